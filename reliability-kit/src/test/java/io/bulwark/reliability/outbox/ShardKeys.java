package io.bulwark.reliability.outbox;

/** Message keys that fall in a chosen shard, so that a test knows where its events go. */
final class ShardKeys {

  private ShardKeys() {}

  /** The first of {@code prefix-0}, {@code prefix-1}, ... that falls in {@code shard}. */
  static String inShard(int shard, int shards, String prefix) {
    for (int i = 0; ; i++) {
      if (Shards.of(prefix + "-" + i, shards) == shard) {
        return prefix + "-" + i;
      }
    }
  }
}
