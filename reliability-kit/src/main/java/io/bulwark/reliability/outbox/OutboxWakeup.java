package io.bulwark.reliability.outbox;

import java.time.Duration;

/** Lets an idle relay sleep until new events are committed, or at most {@code max}. */
public interface OutboxWakeup extends AutoCloseable {

  void await(Duration max) throws InterruptedException;

  @Override
  default void close() {}

  /** No notifications: the relay polls. */
  static OutboxWakeup polling() {
    return max -> Thread.sleep(max.toMillis());
  }
}
