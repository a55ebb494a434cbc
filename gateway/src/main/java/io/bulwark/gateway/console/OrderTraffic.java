package io.bulwark.gateway.console;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * The orders this gateway replica was asked to place, second by second over the last {@link
 * #SECONDS}: how each was answered and how long it took. The answers: {@code created} (the order
 * was placed), {@code replayed} (a retry with a used key, answered with the first result), {@code
 * refused} (the client's mistake or not allowed, a 4xx other than 429), {@code limited} (429) and
 * {@code failed} (5xx, the platform's failure). Latencies go into logarithmic buckets 10% apart, so
 * a percentile is exact to within 10%, in constant memory whatever the rate.
 */
final class OrderTraffic {

  static final int SECONDS = 60;

  enum Answer {
    CREATED,
    REPLAYED,
    REFUSED,
    LIMITED,
    FAILED;

    static Answer of(int status, boolean replayed) {
      if (status >= 500) {
        return FAILED;
      }
      if (status == 429) {
        return LIMITED;
      }
      if (status >= 400) {
        return REFUSED;
      }
      return replayed ? REPLAYED : CREATED;
    }
  }

  /** One second's answers, and its POST latency percentiles (null when nothing was answered). */
  record Second(
      long epochSecond,
      long created,
      long replayed,
      long refused,
      long limited,
      long failed,
      @Nullable Double p50Ms,
      @Nullable Double p99Ms) {}

  /** Latency over the whole window. */
  record Latency(
      long answered, @Nullable Double p50Ms, @Nullable Double p95Ms, @Nullable Double p99Ms) {}

  record Reading(List<Second> seconds, Latency latency) {}

  /** Bucket i holds latencies up to {@code FIRST_BOUND_MS * GROWTH^i}; the last, everything. */
  private static final double FIRST_BOUND_MS = 0.5;

  private static final double GROWTH = 1.1;
  private static final int BUCKETS = 125;

  private final LongSupplier epochMillis;
  private final long[] epochSeconds = new long[SECONDS];
  private final long[][] answers = new long[SECONDS][Answer.values().length];
  private final int[][] latencies = new int[SECONDS][BUCKETS];

  OrderTraffic(LongSupplier epochMillis) {
    this.epochMillis = epochMillis;
  }

  /** An answer given now, {@code nanos} after the request arrived. */
  synchronized void record(Answer answer, long nanos) {
    long second = Math.floorDiv(epochMillis.getAsLong(), 1000);
    int slot = slot(second);
    answers[slot][answer.ordinal()]++;
    latencies[slot][bucket(nanos / 1_000_000.0)]++;
  }

  /** The last {@link #SECONDS} seconds up to the current one, oldest first. */
  synchronized Reading read() {
    long now = Math.floorDiv(epochMillis.getAsLong(), 1000);
    List<Second> seconds = new ArrayList<>(SECONDS);
    int[] window = new int[BUCKETS];
    for (long second = now - SECONDS + 1; second <= now; second++) {
      int slot = Math.floorMod(second, SECONDS);
      if (epochSeconds[slot] != second) {
        seconds.add(new Second(second, 0, 0, 0, 0, 0, null, null));
        continue;
      }
      long[] counts = answers[slot];
      int[] buckets = latencies[slot];
      for (int i = 0; i < BUCKETS; i++) {
        window[i] += buckets[i];
      }
      seconds.add(
          new Second(
              second,
              counts[Answer.CREATED.ordinal()],
              counts[Answer.REPLAYED.ordinal()],
              counts[Answer.REFUSED.ordinal()],
              counts[Answer.LIMITED.ordinal()],
              counts[Answer.FAILED.ordinal()],
              percentile(buckets, 0.50),
              percentile(buckets, 0.99)));
    }
    long answered = 0;
    for (int count : window) {
      answered += count;
    }
    return new Reading(
        seconds,
        new Latency(
            answered,
            percentile(window, 0.50),
            percentile(window, 0.95),
            percentile(window, 0.99)));
  }

  /** The slot of {@code second}, emptied first when it last held an older second. */
  private int slot(long second) {
    int slot = Math.floorMod(second, SECONDS);
    if (epochSeconds[slot] != second) {
      epochSeconds[slot] = second;
      java.util.Arrays.fill(answers[slot], 0);
      java.util.Arrays.fill(latencies[slot], 0);
    }
    return slot;
  }

  static int bucket(double millis) {
    if (millis <= FIRST_BOUND_MS) {
      return 0;
    }
    int bucket = (int) Math.ceil(Math.log(millis / FIRST_BOUND_MS) / Math.log(GROWTH));
    return Math.min(bucket, BUCKETS - 1);
  }

  /** The upper bound of the bucket that holds the q-th latency; null for no latencies. */
  static @Nullable Double percentile(int[] buckets, double q) {
    long total = 0;
    for (int count : buckets) {
      total += count;
    }
    if (total == 0) {
      return null;
    }
    long rank = (long) Math.ceil(q * total);
    long seen = 0;
    for (int i = 0; i < buckets.length; i++) {
      seen += buckets[i];
      if (seen >= rank) {
        return Math.round(FIRST_BOUND_MS * Math.pow(GROWTH, i) * 10) / 10.0;
      }
    }
    return null;
  }
}
