package io.bulwark.reliability.autoconfigure;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code bulwark.dead-letters.*}: collecting the service's dead letters and redriving them.
 *
 * @param collect whether this instance reads the service's dead-letter topics into the table
 * @param collectorGroupSuffix the collector's consumer group: the service's group and this
 * @param redriveRate records per second a redrive gives back to its consumer, over all instances:
 *     low enough that a thousand redriven records do not crowd out the live traffic
 * @param redriveTick how often an instance works on a redrive while there is one
 * @param redriveIdleTick how often an instance looks for redrive work while there is none: a
 *     redrive started on any instance is taken up within this
 * @param maxRedrive the most records one redrive may select
 */
@ConfigurationProperties("bulwark.dead-letters")
public record DeadLetterProperties(
    @DefaultValue("true") boolean collect,
    @DefaultValue("-dead-letters") String collectorGroupSuffix,
    @DefaultValue("50") int redriveRate,
    @DefaultValue("100ms") Duration redriveTick,
    @DefaultValue("1s") Duration redriveIdleTick,
    @DefaultValue("10000") int maxRedrive) {

  public DeadLetterProperties {
    if (redriveRate < 1) {
      throw new IllegalArgumentException("bulwark.dead-letters.redrive-rate must be positive");
    }
  }
}
