package io.bulwark.reliability.autoconfigure;

import io.bulwark.reliability.event.EventCodec;
import java.time.Clock;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * What every part of the kit shares: the clock it reads time from and the event codec. An
 * application's own {@link Clock} bean (a fixed one in a test) replaces the system's UTC clock in
 * every part of the kit.
 */
@AutoConfiguration
public class ReliabilityCoreAutoConfiguration {

  @Bean
  @ConditionalOnMissingBean
  Clock clock() {
    return Clock.systemUTC();
  }

  @Bean
  @ConditionalOnMissingBean
  EventCodec eventCodec() {
    return new EventCodec();
  }
}
