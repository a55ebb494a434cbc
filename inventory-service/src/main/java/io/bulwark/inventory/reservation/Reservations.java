package io.bulwark.inventory.reservation;

import io.bulwark.inventory.reservation.InventoryEvents.Line;
import io.bulwark.reliability.outbox.Outbox;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Reservations in PostgreSQL; saving one appends the events it raised to the outbox. */
@Repository
class Reservations {

  private final JdbcClient jdbc;
  private final Outbox outbox;

  Reservations(JdbcClient jdbc, Outbox outbox) {
    this.jdbc = jdbc;
    this.outbox = outbox;
  }

  /** The order's reservation, locked until the transaction ends. */
  Optional<Reservation> lock(String orderId) {
    return jdbc.sql("SELECT status, reason FROM reservation WHERE order_id = ? FOR UPDATE")
        .param(orderId)
        .query(
            (rs, n) ->
                Reservation.restore(
                    orderId,
                    lines(orderId),
                    Reservation.Status.valueOf(rs.getString(1)),
                    rs.getString(2)))
        .optional();
  }

  void insert(Reservation reservation) {
    jdbc.sql("INSERT INTO reservation (order_id, status, reason) VALUES (?, ?, ?)")
        .param(1, reservation.orderId())
        .param(2, reservation.status().name())
        .param(3, reservation.reason())
        .update();
    for (Line line : reservation.lines()) {
      jdbc.sql("INSERT INTO reservation_line (order_id, sku, quantity) VALUES (?, ?, ?)")
          .params(reservation.orderId(), line.sku(), line.quantity())
          .update();
    }
    outbox.appendAll(reservation.orderId(), reservation.pullEvents());
  }

  void update(Reservation reservation) {
    jdbc.sql("UPDATE reservation SET status = ?, reason = ?, updated_at = now() WHERE order_id = ?")
        .param(1, reservation.status().name())
        .param(2, reservation.reason())
        .param(3, reservation.orderId())
        .update();
    outbox.appendAll(reservation.orderId(), reservation.pullEvents());
  }

  List<ReservationController.ReservationView> views(List<String> orderIds) {
    return jdbc.sql(
            "SELECT order_id, status, reason, updated_at FROM reservation"
                + " WHERE order_id IN (:ids) ORDER BY order_id")
        .param("ids", orderIds)
        .query(Reservations::view)
        .list();
  }

  List<ReservationController.ReservationView> heldBetween(
      Instant from, Instant to, String afterOrderId, int limit) {
    return jdbc.sql(
            "SELECT order_id, status, reason, updated_at FROM reservation"
                + " WHERE status = 'RESERVED' AND updated_at >= ? AND updated_at < ?"
                + " AND order_id > ? ORDER BY order_id LIMIT ?")
        .params(Timestamp.from(from), Timestamp.from(to), afterOrderId, limit)
        .query(Reservations::view)
        .list();
  }

  private static ReservationController.ReservationView view(ResultSet row, int n)
      throws SQLException {
    return new ReservationController.ReservationView(
        row.getString(1), row.getString(2), row.getString(3), row.getTimestamp(4).toInstant());
  }

  private List<Line> lines(String orderId) {
    return jdbc.sql("SELECT sku, quantity FROM reservation_line WHERE order_id = ? ORDER BY sku")
        .param(orderId)
        .query((rs, n) -> new Line(rs.getString(1), rs.getInt(2)))
        .list();
  }
}
