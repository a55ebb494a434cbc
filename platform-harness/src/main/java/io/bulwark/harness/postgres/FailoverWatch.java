package io.bulwark.harness.postgres;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Watches a Patroni cluster through a failover, to split its outage into its parts: when the old
 * primary's leader key was gone from etcd (the HA engine's detection: the key expired, or another
 * node holds it), when another node answered as primary (promotion), and, given by the caller from
 * its own writes, when the first write after the fault was acknowledged (the clients' reconnect).
 * It polls every 50 ms from its start, so each figure is late by at most that.
 */
public final class FailoverWatch implements AutoCloseable {

  /** Seconds from the fault to each step of the failover. */
  public record Breakdown(double detected, double promoted, double firstWrite) {
    @Override
    public String toString() {
      return "key gone %.1f s, new primary %.1f s, first write %.1f s"
          .formatted(detected, promoted, firstWrite);
    }
  }

  private final String oldPrimary;
  private final Supplier<@Nullable String> leaderKey;
  private final Supplier<Optional<PatroniCluster.Node>> primary;
  private final Thread poller;
  private volatile long keyGoneNanos = -1;
  private volatile long promotedNanos = -1;
  private volatile boolean closed;

  FailoverWatch(
      String oldPrimary,
      Supplier<@Nullable String> leaderKey,
      Supplier<Optional<PatroniCluster.Node>> primary) {
    this.oldPrimary = oldPrimary;
    this.leaderKey = leaderKey;
    this.primary = primary;
    this.poller = new Thread(this::poll, "failover-watch");
    poller.setDaemon(true);
    poller.start();
  }

  private void poll() {
    while (!closed && (keyGoneNanos < 0 || promotedNanos < 0)) {
      if (keyGoneNanos < 0) {
        String holder = leaderKey.get(); // null: etcd did not answer, which decides nothing
        if (holder != null && !holder.equals(oldPrimary)) {
          keyGoneNanos = System.nanoTime();
        }
      }
      if (promotedNanos < 0
          && primary.get().filter(node -> !node.name().equals(oldPrimary)).isPresent()) {
        promotedNanos = System.nanoTime();
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /**
   * The breakdown of a failover whose fault was at {@code faultNanos} and whose first write after
   * it was acknowledged {@code firstWriteSeconds} later; waits up to {@code timeout} for the
   * promotion.
   */
  public Breakdown breakdown(long faultNanos, double firstWriteSeconds, Duration timeout)
      throws InterruptedException {
    poller.join(timeout.toMillis());
    if (keyGoneNanos < 0 || promotedNanos < 0) {
      throw new IllegalStateException("no failover from " + oldPrimary + " within " + timeout);
    }
    return new Breakdown(
        (keyGoneNanos - faultNanos) / 1e9, (promotedNanos - faultNanos) / 1e9, firstWriteSeconds);
  }

  @Override
  public void close() {
    closed = true;
    poller.interrupt();
  }
}
