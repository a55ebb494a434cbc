package io.bulwark.reliability.outbox;

/**
 * Spreads aggregates over a fixed number of shards. One relay at a time owns a shard, which keeps
 * each aggregate's events in order while several relays share the work.
 */
final class Shards {

  private Shards() {}

  static int of(String aggregateId, int shards) {
    return Math.floorMod(aggregateId.hashCode(), shards);
  }
}
