package io.bulwark.reliability.autoconfigure.idempotency;

import io.bulwark.reliability.idempotency.IdempotentRequests;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * {@code bulwark.idempotency.*}: which endpoints need an {@code Idempotency-Key}, the headers of
 * the protocol, and how keys are kept. The defaults here are the only ones. The header names are
 * bound in every servlet application, so an edge (the gateway) reads them from here too.
 *
 * @param endpoints {@code METHOD /path/pattern} entries, e.g. {@code POST /api/orders/{id}/cancel};
 *     empty turns the filter off
 * @param header the request header that carries the key
 * @param clientHeader for an application without authentication only: the header whose value scopes
 *     the keys; an authenticated caller always scopes its own keys, and a request with neither is
 *     refused with {@code 401}
 * @param replayHeader set to {@code true} on a replayed response
 * @param timeToLive how long a key and its response are kept
 * @param maxKeyLength the longest key accepted
 * @param maxBodySize the largest request body accepted on these endpoints
 * @param purgeInterval how often expired keys are deleted
 * @param purgeBatchSize keys per delete while purging, so no purge holds long locks
 * @param attempts how often a request whose transaction failed transiently before its commit (a
 *     failover) runs in all before the client gets {@code 503}
 * @param retryPause the pause before the second attempt; each later one waits that much longer
 */
@ConfigurationProperties("bulwark.idempotency")
public record IdempotencyProperties(
    @DefaultValue List<String> endpoints,
    @DefaultValue("Idempotency-Key") String header,
    @Nullable String clientHeader,
    @DefaultValue("Idempotent-Replayed") String replayHeader,
    @DefaultValue("24h") Duration timeToLive,
    @DefaultValue("255") int maxKeyLength,
    @DefaultValue("64KB") DataSize maxBodySize,
    @DefaultValue("10m") Duration purgeInterval,
    @DefaultValue("5000") int purgeBatchSize,
    @DefaultValue("3") int attempts,
    @DefaultValue("250ms") Duration retryPause) {

  IdempotentRequests.Settings executionSettings() {
    return new IdempotentRequests.Settings(attempts, retryPause);
  }
}
