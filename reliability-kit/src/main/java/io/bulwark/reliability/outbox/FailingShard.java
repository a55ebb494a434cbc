package io.bulwark.reliability.outbox;

import java.time.Instant;

/**
 * A shard of the outbox that the relay could not publish from: tried again on its own, after a
 * pause that doubles with each failure in a row, while the other shards go on publishing.
 *
 * @param failures failed attempts in a row
 * @param since when the first of them failed
 * @param retryAt when the shard is tried next
 * @param lastError the last failure, with its cause
 */
public record FailingShard(
    int shard, int failures, Instant since, Instant retryAt, String lastError) {}
