package io.bulwark.harness.chaos;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/** What the agent did, latest first, the last {@link #KEPT} entries. */
final class ChaosLog {

  static final int KEPT = 50;

  record Entry(long id, Instant at, String action, String message) {}

  private final Deque<Entry> entries = new ArrayDeque<>();
  private final Clock clock;
  private long next = 1;

  ChaosLog(Clock clock) {
    this.clock = clock;
  }

  synchronized void add(String action, String message) {
    entries.addFirst(new Entry(next++, clock.instant(), action, message));
    while (entries.size() > KEPT) {
      entries.removeLast();
    }
  }

  synchronized List<Entry> entries() {
    return List.copyOf(entries);
  }
}
