package io.bulwark.reliability.autoconfigure;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code bulwark.inbox.*}.
 *
 * @param retention the deduplication window: processed-message records older than this are purged,
 *     so a redelivery later than that would be applied again. Keep it well above the longest time a
 *     message can wait for redelivery (the topic's retention is the safe bound).
 * @param purgeInterval how often old records are purged
 */
@ConfigurationProperties("bulwark.inbox")
public record InboxProperties(
    @DefaultValue("7d") Duration retention, @DefaultValue("10m") Duration purgeInterval) {}
