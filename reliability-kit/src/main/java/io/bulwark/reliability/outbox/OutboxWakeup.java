package io.bulwark.reliability.outbox;

import java.time.Duration;
import java.util.Set;

/**
 * Lets an idle relay sleep until new events are committed, or at most {@code max}, and says which
 * shards they went to when it knows.
 */
public interface OutboxWakeup extends AutoCloseable {

  /**
   * Waits for commits of new events, at most {@code max}: returns the shards named by the commits
   * that ended the wait, or {@link Woken#atAnyShard()} when it cannot tell (the wait timed out, or
   * notifications may have been missed), and the relay then looks at every shard.
   */
  Woken await(Duration max) throws InterruptedException;

  @Override
  default void close() {}

  /** No notifications: the relay polls, every shard each time. */
  static OutboxWakeup polling() {
    return max -> {
      Thread.sleep(max.toMillis());
      return Woken.atAnyShard();
    };
  }

  /**
   * What ended a wait: commits to the given shards, or ({@code anyShard}) something that gives no
   * shard, after which any shard may hold new messages.
   */
  record Woken(Set<Integer> shards, boolean anyShard) {

    private static final Woken ANY_SHARD = new Woken(Set.of(), true);

    public Woken {
      shards = Set.copyOf(shards);
    }

    public static Woken atAnyShard() {
      return ANY_SHARD;
    }

    public static Woken atShards(Set<Integer> shards) {
      return new Woken(shards, false);
    }
  }
}
