package io.bulwark.reliability.autoconfigure;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code bulwark.database.reconnect.*}: how the pool's connections are opened while the primary
 * cannot be reached. Every {@code pause} another attempt, for up to {@code patience} (longer than a
 * failover takes), before the pool's own backoff takes over; {@code enabled=false} leaves the pool
 * alone. With {@code abort-on-primary-move} (a URL with {@code targetServerType=primary} only), a
 * connection that finds the primary on another host aborts those left on the old one.
 */
@ConfigurationProperties("bulwark.database.reconnect")
public record ReconnectProperties(
    @DefaultValue("true") boolean enabled,
    @DefaultValue("100ms") Duration pause,
    @DefaultValue("15s") Duration patience,
    @DefaultValue("true") boolean abortOnPrimaryMove) {}
