package io.bulwark.order.reconciliation;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The record of every check and what it found, in order-service's database. */
@Repository
class ReconciliationRuns {

  private final JdbcClient jdbc;

  ReconciliationRuns(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  ReconciliationRun record(
      Instant startedAt,
      Instant finishedAt,
      String trigger,
      @Nullable String requestedBy,
      Instant from,
      Instant to,
      int orders,
      int held,
      List<Drift> findings,
      int repaired) {
    long id =
        jdbc.sql(
                "INSERT INTO reconciliation_run (started_at, finished_at, trigger, requested_by,"
                    + " window_from, window_to, orders_checked, reservations_checked, drift,"
                    + " repaired) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id")
            .param(1, Timestamp.from(startedAt))
            .param(2, Timestamp.from(finishedAt))
            .param(3, trigger)
            .param(4, requestedBy)
            .param(5, Timestamp.from(from))
            .param(6, Timestamp.from(to))
            .param(7, orders)
            .param(8, held)
            .param(9, findings.size())
            .param(10, repaired)
            .query(Long.class)
            .single();
    for (Drift drift : findings) {
      jdbc.sql(
              "INSERT INTO reconciliation_drift (run_id, order_id, kind, order_status,"
                  + " reservation_status, repair) VALUES (?, ?, ?, ?, ?, ?)")
          .param(1, id)
          .param(2, drift.orderId())
          .param(3, drift.kind().name())
          .param(4, drift.orderStatus())
          .param(5, drift.reservationStatus())
          .param(6, drift.repair())
          .update();
    }
    return find(id).orElseThrow();
  }

  Optional<ReconciliationRun> find(long id) {
    return runs("WHERE id = ?", id, 1).stream().findFirst();
  }

  /** The latest runs first, before this id. */
  List<ReconciliationRun> list(long beforeId, int limit) {
    return runs("WHERE id < ?", beforeId, limit);
  }

  private List<ReconciliationRun> runs(String where, long id, int limit) {
    return jdbc.sql(
            "SELECT id, started_at, finished_at, trigger, requested_by, window_from, window_to,"
                + " orders_checked, reservations_checked, drift, repaired FROM reconciliation_run "
                + where
                + " ORDER BY id DESC LIMIT ?")
        .params(id, limit)
        .query(
            (row, n) ->
                new ReconciliationRun(
                    row.getLong(1),
                    row.getTimestamp(2).toInstant(),
                    row.getTimestamp(3).toInstant(),
                    row.getString(4),
                    row.getString(5),
                    row.getTimestamp(6).toInstant(),
                    row.getTimestamp(7).toInstant(),
                    row.getInt(8),
                    row.getInt(9),
                    row.getInt(10),
                    row.getInt(11),
                    drift(row.getLong(1))))
        .list();
  }

  private List<Drift> drift(long run) {
    return jdbc.sql(
            "SELECT order_id, kind, order_status, reservation_status, repair"
                + " FROM reconciliation_drift WHERE run_id = ? ORDER BY kind, order_id")
        .param(run)
        .query(
            (row, n) ->
                new Drift(
                    row.getString(1),
                    Drift.Kind.valueOf(row.getString(2)),
                    row.getString(3),
                    row.getString(4),
                    row.getString(5)))
        .list();
  }
}
