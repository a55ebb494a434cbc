package io.bulwark.reliability.outbox;

import java.time.Duration;

/**
 * How a relay works: shards of the outbox (must match the appending side), messages per batch, the
 * safety-net poll when no notification arrives, how long published messages are kept and how often
 * they are purged (in deletes of at most {@code purgeBatchSize} rows), and the pause after a
 * failure (doubling up to {@code maxErrorBackoff}).
 *
 * <p>{@code claimIdleTimeout}: how long the database keeps a shard's claim for a relay that has
 * gone quiet in the middle of a batch (the claiming transaction's {@code
 * idle_in_transaction_session_timeout}). A relay whose host is cut off loses its shard to another
 * relay after this; it must exceed the longest wait for the broker within a batch.
 */
public record RelaySettings(
    int shards,
    int batchSize,
    Duration pollInterval,
    Duration retention,
    Duration purgeInterval,
    int purgeBatchSize,
    Duration errorBackoff,
    Duration maxErrorBackoff,
    Duration claimIdleTimeout) {

  public RelaySettings {
    if (shards < 1 || batchSize < 1 || purgeBatchSize < 1) {
      throw new IllegalArgumentException("shards, batchSize and purgeBatchSize must be positive");
    }
    if (claimIdleTimeout.toMillis() < 1) {
      throw new IllegalArgumentException("claimIdleTimeout must be at least a millisecond");
    }
  }
}
