package io.bulwark.reliability.outbox;

import java.time.Duration;

/**
 * How a relay works: shards of the outbox (must match the appending side), messages per batch, the
 * safety-net poll when no notification arrives, how long published messages are kept and how often
 * they are purged (in deletes of at most {@code purgeBatchSize} rows), and the pause after a
 * failure (doubling up to {@code maxErrorBackoff}).
 */
public record RelaySettings(
    int shards,
    int batchSize,
    Duration pollInterval,
    Duration retention,
    Duration purgeInterval,
    int purgeBatchSize,
    Duration errorBackoff,
    Duration maxErrorBackoff) {

  public RelaySettings {
    if (shards < 1 || batchSize < 1 || purgeBatchSize < 1) {
      throw new IllegalArgumentException("shards, batchSize and purgeBatchSize must be positive");
    }
  }
}
