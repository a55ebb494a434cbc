package io.bulwark.order.flow;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The flow of orders over the last {@link #WINDOW}, from the orders table: every instance writes
 * it, so any instance's answer is the platform's. Each question walks the index on {@code
 * updated_at} over the window alone (an order placed in it was last changed in it too); only the
 * count by status reads every order, and it is taken at most every {@link #COUNTS_EVERY}.
 */
final class OrderFlow {

  /** How far back the per-second figures and the latency reach. */
  static final Duration WINDOW = Duration.ofSeconds(60);

  /** The count of every order by status is this old at most. */
  static final Duration COUNTS_EVERY = Duration.ofSeconds(10);

  static final int LATEST = 15;

  /**
   * One second: orders placed in it, and orders whose saga ended (or that were cancelled) in it.
   */
  record Second(long epochSecond, long placed, long confirmed, long rejected, long cancelled) {}

  /** The sagas that concluded within the window: how many, and percentiles of their duration. */
  record Latency(
      long concluded,
      @Nullable Double p50Ms,
      @Nullable Double p95Ms,
      @Nullable Double p99Ms,
      @Nullable Double maxMs) {}

  /** An order as the list of latest orders shows it; {@code tookMs} once its saga ended. */
  record Recent(
      UUID id,
      String customerId,
      String status,
      Instant createdAt,
      Instant updatedAt,
      @Nullable Long tookMs) {}

  record Flow(
      Instant at,
      long windowSeconds,
      List<Second> seconds,
      Latency sagaLatency,
      Map<String, Long> byStatus,
      Instant byStatusAt,
      List<Recent> latest) {}

  private record Counts(Map<String, Long> byStatus, Instant at) {}

  private final JdbcClient jdbc;
  private final Clock clock;
  private volatile @Nullable Counts counts;

  OrderFlow(JdbcClient jdbc, Clock clock) {
    this.jdbc = jdbc;
    this.clock = clock;
  }

  Flow read() {
    Instant now = clock.instant();
    Timestamp from = Timestamp.from(now.minus(WINDOW));
    Counts latestCounts = counts(now);
    return new Flow(
        now,
        WINDOW.toSeconds(),
        seconds(from, now),
        latency(from),
        latestCounts.byStatus(),
        latestCounts.at(),
        latest());
  }

  private List<Second> seconds(Timestamp from, Instant now) {
    long first = now.minus(WINDOW).getEpochSecond() + 1;
    long[][] perSecond = new long[(int) WINDOW.toSeconds()][4];
    jdbc.sql(
            "SELECT floor(extract(epoch FROM created_at))::bigint, count(*) FROM orders"
                + " WHERE updated_at > ? AND created_at > ? GROUP BY 1")
        .params(from, from)
        .query(
            rows -> {
              add(perSecond, first, rows.getLong(1), 0, rows.getLong(2));
            });
    jdbc.sql(
            "SELECT floor(extract(epoch FROM updated_at))::bigint, status, count(*) FROM orders"
                + " WHERE updated_at > ? AND status <> 'PENDING' GROUP BY 1, 2")
        .param(from)
        .query(
            rows -> {
              int column =
                  switch (rows.getString(2)) {
                    case "CONFIRMED" -> 1;
                    case "REJECTED" -> 2;
                    default -> 3;
                  };
              add(perSecond, first, rows.getLong(1), column, rows.getLong(3));
            });
    List<Second> seconds = new ArrayList<>(perSecond.length);
    for (int i = 0; i < perSecond.length; i++) {
      long[] s = perSecond[i];
      seconds.add(new Second(first + i, s[0], s[1], s[2], s[3]));
    }
    return seconds;
  }

  private static void add(long[][] perSecond, long first, long second, int column, long count) {
    long index = second - first;
    if (index >= 0 && index < perSecond.length) {
      perSecond[(int) index][column] += count;
    }
  }

  private Latency latency(Timestamp from) {
    return jdbc.sql(
            "SELECT count(*), percentile_cont(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP (ORDER BY"
                + " extract(epoch FROM updated_at - created_at) * 1000),"
                + " max(extract(epoch FROM updated_at - created_at) * 1000)"
                + " FROM orders WHERE updated_at > ? AND status IN ('CONFIRMED', 'REJECTED')")
        .param(from)
        .query(
            (row, n) -> {
              long concluded = row.getLong(1);
              if (concluded == 0) {
                return new Latency(0, null, null, null, null);
              }
              Double[] percentiles = (Double[]) row.getArray(2).getArray();
              return new Latency(
                  concluded, percentiles[0], percentiles[1], percentiles[2], row.getDouble(3));
            })
        .single();
  }

  private Counts counts(Instant now) {
    Counts last = counts;
    if (last != null && Duration.between(last.at(), now).compareTo(COUNTS_EVERY) < 0) {
      return last;
    }
    Map<String, Long> byStatus = new LinkedHashMap<>();
    for (String status : List.of("PENDING", "CONFIRMED", "REJECTED", "CANCELLED")) {
      byStatus.put(status, 0L);
    }
    jdbc.sql("SELECT status, count(*) FROM orders GROUP BY status")
        .query(
            rows -> {
              byStatus.put(rows.getString(1), rows.getLong(2));
            });
    Counts fresh = new Counts(byStatus, now);
    counts = fresh;
    return fresh;
  }

  private List<Recent> latest() {
    return jdbc.sql(
            "SELECT id, customer_id, status, created_at, updated_at FROM orders"
                + " ORDER BY updated_at DESC, id DESC LIMIT ?")
        .param(LATEST)
        .query(
            (row, n) -> {
              Instant created = row.getTimestamp(4).toInstant();
              Instant updated = row.getTimestamp(5).toInstant();
              String status = row.getString(3);
              return new Recent(
                  row.getObject(1, UUID.class),
                  row.getString(2),
                  status,
                  created,
                  updated,
                  "PENDING".equals(status) ? null : Duration.between(created, updated).toMillis());
            })
        .list();
  }
}
