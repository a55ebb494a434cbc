package io.bulwark.reliability.outbox;

import io.bulwark.reliability.outbox.OutboxWakeup.Woken;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntConsumer;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves committed outbox events to the broker.
 *
 * <p>For each shard, in one database transaction: claim the shard (a no-wait lock, so relays in
 * other processes take other shards), read its oldest unpublished messages, publish them and wait
 * for the acknowledgements, mark them published, commit. A relay that dies anywhere in between
 * leaves its messages unpublished and its claim released; the next relay sends them again, and the
 * consumers' inbox drops the duplicates. A batch is sent in rounds: the first holds the oldest
 * message of each aggregate, the second each aggregate's next, and so on, and a round is sent only
 * once the one before it has been acknowledged. Because a shard has one owner at a time, is read in
 * append order, and no round carries two messages of one aggregate, the first delivery of one
 * aggregate's events is always in order, whatever part of a failed round the broker took. When a
 * round fails, the rounds acknowledged before it are marked and committed and the failure is the
 * shard's.
 *
 * <p>After each pass the relay waits for a commit notification, which names the shards that got new
 * messages, or the poll interval as a safety net. Every relay hears every commit; a relay that
 * finds a shard held by another leaves it to that one from then on, so each event costs one
 * transaction of the relay that holds its shard, not a losing claim of every other. A pass after a
 * notification visits the shards it names that are not left to another relay (and those waiting
 * after a failure). Once a poll interval, and after any wait that ended without a notification, a
 * pass instead asks the database which shards hold unpublished messages and since when, and takes
 * every one of them that is its own or whose oldest message has waited longer than the poll
 * interval: the shards of a relay that stopped, or no longer keeps up, move to the others within
 * about two intervals. The relay also purges published messages older than the retention.
 *
 * <p>A shard that fails (a record the broker refuses, a topic that cannot be written) is tried
 * again on its own after a pause that doubles up to the maximum, while the pass goes on to the
 * other shards and the purge runs as usual; {@link #failingShards()} shows which shards wait, since
 * when and why.
 */
public final class OutboxRelay implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);

  private final DataSource dataSource;
  private final OutboxStore store;
  private final EventPublisher publisher;
  private final OutboxWakeup wakeup;
  private final RelaySettings settings;
  private final Clock clock;

  private volatile boolean running;
  private @Nullable Thread thread;
  private Instant nextPurge = Instant.MIN;
  private Instant nextFullPass = Instant.MIN;

  /** Shards another relay held when this one last tried them: left to it while it keeps up. */
  private final Set<Integer> heldElsewhere = ConcurrentHashMap.newKeySet();

  private final Map<Integer, FailingShard> failing = new ConcurrentHashMap<>();
  private volatile IntConsumer purgeListener = removed -> {};

  public OutboxRelay(
      DataSource dataSource,
      OutboxStore store,
      EventPublisher publisher,
      OutboxWakeup wakeup,
      RelaySettings settings,
      Clock clock) {
    this.dataSource = dataSource;
    this.store = store;
    this.publisher = publisher;
    this.wakeup = wakeup;
    this.settings = settings;
    this.clock = clock;
  }

  public synchronized void start() {
    if (running) {
      return;
    }
    running = true;
    thread = new Thread(this::loop, "outbox-relay");
    thread.setDaemon(true);
    thread.start();
  }

  public boolean isRunning() {
    return running;
  }

  /**
   * One pass over the shards that hold unpublished messages, each drained until empty or claimed by
   * another relay. Returns how many messages this relay published.
   */
  public int drainOnce() throws SQLException {
    return drain(Woken.atAnyShard());
  }

  /**
   * One pass over the shards {@code woken} names, less those another relay holds, plus those
   * waiting after a failure; or, when it names none or the last full pass is a poll interval old,
   * over every shard that holds unpublished messages (one probe of the database), less those
   * another relay holds and keeps up with.
   */
  private int drain(Woken woken) throws SQLException {
    Instant now = clock.instant();
    List<Integer> pending;
    if (woken.anyShard()
        || !now.isBefore(nextFullPass)
        || woken.shards().stream().anyMatch(s -> s < 0 || s >= settings.shards())) {
      nextFullPass = now.plus(settings.pollInterval());
      SortedMap<Integer, Instant> oldest;
      try (Connection connection = dataSource.getConnection()) {
        connection.setAutoCommit(true);
        oldest = store.pendingShards(connection, settings.shards());
      }
      // a failing shard that has nothing left to publish (its rows were removed) fails no longer
      failing.keySet().retainAll(oldest.keySet());
      // a shard held elsewhere whose oldest message has waited a poll interval is not kept up
      // with (its holder stopped, or lost its connection): it is taken over
      Instant overdue = now.minus(settings.pollInterval());
      pending = new ArrayList<>();
      oldest.forEach(
          (shard, appended) -> {
            if (!heldElsewhere.contains(shard) || appended.isBefore(overdue)) {
              pending.add(shard);
            }
          });
    } else {
      Set<Integer> named = new TreeSet<>(woken.shards());
      named.removeAll(heldElsewhere);
      named.addAll(failing.keySet());
      pending = List.copyOf(named);
    }
    int published = 0;
    for (int shard : pending) {
      FailingShard earlier = failing.get(shard);
      if (earlier != null && clock.instant().isBefore(earlier.retryAt())) {
        continue;
      }
      try {
        Relayed relayed;
        do {
          relayed = relay(shard);
          if (relayed == Relayed.NOT_CLAIMED) {
            // its holder hears the same commits: leave the shard to it while it keeps up
            heldElsewhere.add(shard);
            break;
          }
          heldElsewhere.remove(shard);
          published += relayed.sent();
        } while (relayed.more() && running());
        if (earlier != null) {
          failing.remove(shard);
          log.info(
              "outbox shard {} publishes again, after {} failures since {}",
              shard,
              earlier.failures(),
              earlier.since());
        }
      } catch (SQLException | RuntimeException e) {
        // this shard waits on its own; the others are not held up by it
        FailingShard failed = failed(shard, earlier, e);
        failing.put(shard, failed);
        log.warn(
            "outbox shard {} failed ({} in a row), retrying at {}: {}",
            shard,
            failed.failures(),
            failed.retryAt(),
            failed.lastError());
      }
    }
    return published;
  }

  /** The shards that failed to publish and wait to be tried again, by shard. */
  public List<FailingShard> failingShards() {
    return failing.values().stream().sorted(Comparator.comparingInt(FailingShard::shard)).toList();
  }

  private FailingShard failed(int shard, @Nullable FailingShard before, Exception e) {
    Instant now = clock.instant();
    int failures = before == null ? 1 : before.failures() + 1;
    Duration pause = settings.errorBackoff();
    for (int i = 1; i < failures && pause.compareTo(settings.maxErrorBackoff()) < 0; i++) {
      pause = pause.multipliedBy(2);
    }
    pause = min(pause, settings.maxErrorBackoff());
    return new FailingShard(
        shard, failures, before == null ? now : before.since(), now.plus(pause), describe(e));
  }

  /** The failure and its causes, each as class and message: what an operator needs to act. */
  private static String describe(Throwable failure) {
    StringBuilder description = new StringBuilder(failure.toString());
    for (Throwable cause = failure.getCause();
        cause != null && description.length() < 2_000;
        cause = cause.getCause() == cause ? null : cause.getCause()) {
      description.append("; caused by ").append(cause);
    }
    return description.toString();
  }

  /** How long the relay may wait for a notification: no later than a failing shard is due. */
  private Duration nextWait() {
    Duration wait = settings.pollInterval();
    Instant now = clock.instant();
    for (FailingShard shard : failing.values()) {
      Duration untilDue = Duration.between(now, shard.retryAt());
      wait = min(wait, untilDue.isNegative() ? Duration.ZERO : untilDue);
    }
    return wait;
  }

  /** What one batch of a shard did: how many it sent, and whether the shard may hold more. */
  private record Relayed(int sent, boolean more) {
    static final Relayed NOT_CLAIMED = new Relayed(-1, false);
  }

  /** Publishes one batch of a shard: the count sent, or -1 if another relay holds the shard. */
  int relayBatch(int shard) throws SQLException {
    return relay(shard).sent();
  }

  private Relayed relay(int shard) throws SQLException {
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      try {
        // a relay cut off from here mid-batch must not keep the shard: the server ends the
        // claim once the transaction has been quiet longer than any broker wait
        if (!store.tryClaim(connection, shard, settings.claimIdleTimeout())) {
          connection.rollback();
          return Relayed.NOT_CLAIMED;
        }
        List<OutboxMessage> fetched =
            store.fetchUnpublished(connection, shard, settings.batchSize());
        if (fetched.isEmpty()) {
          connection.rollback();
          return new Relayed(0, false);
        }
        int sent = 0;
        RuntimeException failure = null;
        for (List<OutboxMessage> round : inRounds(fetched)) {
          try {
            publisher.publish(round);
          } catch (RuntimeException e) {
            failure = e;
            break;
          }
          // marked round by round: each statement also keeps the claim's idle clock from running
          // out over a batch of many rounds
          store.markPublished(connection, round);
          sent += round.size();
        }
        connection.commit();
        if (failure != null) {
          throw failure;
        }
        return new Relayed(sent, fetched.size() == settings.batchSize());
      } catch (SQLException | RuntimeException e) {
        rollbackQuietly(connection);
        throw e;
      }
    }
  }

  /**
   * {@code fetched} in rounds: the first holds the oldest message of each key, the next each key's
   * second, and so on, each round in append order. A key's next message is sent only once the round
   * with its earlier one has been acknowledged, so no send ever carries two messages of one
   * aggregate, and how a failing round ends (which of its sends the broker took while it restarted)
   * cannot put an aggregate's events out of order: once, with every broker restarted, the inventory
   * got orders' rejections before their placements, both of them in the one batch of their shard
   * that had failed while the brokers came back.
   */
  static List<List<OutboxMessage>> inRounds(List<OutboxMessage> fetched) {
    Map<String, Integer> seen = new HashMap<>();
    List<List<OutboxMessage>> rounds = new ArrayList<>();
    for (OutboxMessage message : fetched) {
      int round = seen.merge(message.key(), 1, Integer::sum) - 1;
      if (round == rounds.size()) {
        rounds.add(new ArrayList<>());
      }
      rounds.get(round).add(message);
    }
    return rounds;
  }

  private void loop() {
    Duration backoff = settings.errorBackoff();
    Woken woken = Woken.atAnyShard();
    while (running) {
      try {
        drain(woken);
        purgeIfDue();
        backoff = settings.errorBackoff();
        // every shard was drained as it was visited; a commit since then has notified, and its
        // notification ends this wait at once. Going round again without waiting would poll the
        // outbox continuously under a steady trickle of commits.
        woken = wakeup.await(nextWait());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      } catch (Exception e) {
        log.warn("outbox relay failed, retrying in {}: {}", backoff, e.toString());
        if (!sleep(backoff)) {
          break;
        }
        woken = Woken.atAnyShard();
        backoff = min(backoff.multipliedBy(2), settings.maxErrorBackoff());
      }
    }
  }

  /** Told how many published messages each purge removed. */
  public void onPurge(IntConsumer listener) {
    this.purgeListener = listener;
  }

  void purgeIfDue() throws SQLException {
    Instant now = clock.instant();
    if (now.isBefore(nextPurge)) {
      return;
    }
    nextPurge = now.plus(settings.purgeInterval());
    Instant cutOff = now.minus(settings.retention());
    int purged;
    int removed = 0;
    do {
      try (Connection connection = dataSource.getConnection()) {
        connection.setAutoCommit(true);
        purged = store.purgePublished(connection, cutOff, settings.purgeBatchSize());
      }
      removed += purged;
      if (purged > 0) {
        log.debug("purged {} published outbox messages", purged);
      }
    } while (purged == settings.purgeBatchSize() && running());
    purgeListener.accept(removed);
  }

  private boolean running() {
    return running || thread == null;
  }

  @Override
  public void close() {
    Thread current;
    synchronized (this) {
      running = false;
      current = thread;
    }
    if (current != null) {
      current.interrupt();
      try {
        current.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    wakeup.close();
    publisher.close();
  }

  private static void rollbackQuietly(Connection connection) {
    try {
      connection.rollback();
    } catch (SQLException ignored) {
      // the connection is broken; the server rolls back by itself
    }
  }

  private static boolean sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
