package io.bulwark.harness.postgres;

import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Watches a Patroni cluster through a failover, to split its outage into its parts: when the old
 * primary's leader key was gone from etcd (the HA engine's detection: the key expired, or another
 * node holds it), when another node answered as primary (promotion), and, given by the caller from
 * its own writes, when the first write after the fault was acknowledged (the clients' reconnect).
 * It polls every 50 ms from its start, so each figure is late by at most that plus one answer: it
 * asks only etcd and the other nodes, never the faulted one, whose silence (a partition) would cost
 * each round a timeout.
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
  private final Supplier<Optional<PatroniCluster.Node>> successor;
  private final Thread poller;
  private volatile long keyGoneNanos = -1;
  private volatile long promotedNanos = -1;
  private volatile boolean closed;
  // what the last round saw, for the message of a failover that did not come
  private volatile int rounds;
  private volatile @Nullable String lastHolder;
  private volatile @Nullable Throwable lastError;

  /**
   * {@code successor} answers the node other than {@code oldPrimary} that says it is primary, if
   * any; it must not ask {@code oldPrimary}.
   */
  FailoverWatch(
      String oldPrimary,
      Supplier<@Nullable String> leaderKey,
      Supplier<Optional<PatroniCluster.Node>> successor) {
    this.oldPrimary = oldPrimary;
    this.leaderKey = leaderKey;
    this.successor = successor;
    this.poller = new Thread(this::poll, "failover-watch");
    poller.setDaemon(true);
    poller.start();
  }

  private void poll() {
    while (!closed && (keyGoneNanos < 0 || promotedNanos < 0)) {
      try {
        round();
      } catch (RuntimeException e) {
        lastError = e; // one failed round decides nothing; the next one asks again
      }
      rounds++;
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private void round() {
    if (keyGoneNanos < 0) {
      String holder = leaderKey.get(); // null: etcd did not answer, which decides nothing
      lastHolder = holder;
      if (holder != null && !holder.equals(oldPrimary)) {
        keyGoneNanos = System.nanoTime();
      }
    }
    if (promotedNanos < 0 && successor.get().isPresent()) {
      promotedNanos = System.nanoTime();
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
      throw new IllegalStateException(
          "no failover from %s within %s: key gone %s, promoted %s; %d rounds, the last leader key %s, the last error %s; the watch %s"
              .formatted(
                  oldPrimary,
                  timeout,
                  keyGoneNanos >= 0,
                  promotedNanos >= 0,
                  rounds,
                  lastHolder,
                  lastError,
                  poller.isAlive()
                      ? "still in " + Arrays.toString(poller.getStackTrace())
                      : "ended"));
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
