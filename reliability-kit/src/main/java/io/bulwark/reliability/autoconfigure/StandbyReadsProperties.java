package io.bulwark.reliability.autoconfigure;

import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code bulwark.standby-reads.*}: where reads that a standby may serve go. Without a {@code url}
 * every read goes to the primary, as before.
 *
 * @param url the standby's JDBC URL, for example every node of the cluster with {@code
 *     targetServerType=secondary}; the application's own credentials are used
 * @param patience how long a read waits for the standby to replay up to the primary's position
 *     before the primary serves it (a healthy synchronous standby needs about a millisecond)
 * @param away how long a standby that could not be reached is left alone, every read going to the
 *     primary meanwhile, before it is tried again
 * @param poolSize connections to the standby
 * @param connectTimeout how long the driver may take to open a connection to the standby (in the
 *     pool's background; a read itself waits at most 250 ms for one before the primary serves it)
 */
@ConfigurationProperties("bulwark.standby-reads")
public record StandbyReadsProperties(
    @Nullable String url,
    @DefaultValue("50ms") Duration patience,
    @DefaultValue("5s") Duration away,
    @DefaultValue("4") int poolSize,
    @DefaultValue("1s") Duration connectTimeout) {}
