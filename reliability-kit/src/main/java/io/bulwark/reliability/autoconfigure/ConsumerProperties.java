package io.bulwark.reliability.autoconfigure;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code bulwark.consumer.*}: what a Kafka listener does with a record it cannot process. A failing
 * record is retried with exponential backoff ({@code initialInterval}, times {@code multiplier}, at
 * most {@code maxInterval}) up to {@code maxRetries} times, then published to {@code
 * <topic><deadLetterSuffix>}; a malformed record goes there at once.
 */
@ConfigurationProperties("bulwark.consumer")
public record ConsumerProperties(
    @DefaultValue("5") int maxRetries,
    @DefaultValue("200ms") Duration initialInterval,
    @DefaultValue("2.0") double multiplier,
    @DefaultValue("5s") Duration maxInterval,
    @DefaultValue(".DLT") String deadLetterSuffix) {}
