package io.bulwark.order.ordering;

import io.bulwark.reliability.autoconfigure.StandbyQueries;
import io.bulwark.reliability.outbox.Outbox;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Orders in PostgreSQL; saving an order appends the events it raised to the outbox. What callers
 * only look at ({@link #find}, {@link #page}) is read where the standby may serve it, never older
 * than the caller's own writes; what a change decides on is locked on the primary.
 */
@Repository
class Orders {

  private final JdbcClient jdbc;
  private final StandbyQueries reads;
  private final Outbox outbox;

  Orders(JdbcClient jdbc, StandbyQueries reads, Outbox outbox) {
    this.jdbc = jdbc;
    this.reads = reads;
    this.outbox = outbox;
  }

  Optional<Order> find(UUID id) {
    return reads.read(standby -> load(standby, id, ""));
  }

  /** The order, locked until the transaction ends. */
  Optional<Order> lock(UUID id) {
    return load(jdbc, id, " FOR UPDATE");
  }

  /**
   * The oldest orders still pending that were placed before {@code cutOff}, at most {@code limit},
   * locked until the transaction ends; orders that another transaction holds are passed over.
   */
  List<Order> lockPendingPlacedBefore(Instant cutOff, int limit) {
    return withLines(
        jdbc,
        jdbc.sql(
                "SELECT "
                    + COLUMNS
                    + " FROM orders WHERE status = 'PENDING' AND created_at < ?"
                    + " ORDER BY created_at LIMIT ? FOR UPDATE SKIP LOCKED")
            .params(Timestamp.from(cutOff), limit)
            .query(Row::of)
            .list());
  }

  /**
   * The customer's orders, newest first, from just after {@code after} (the start when null), at
   * most {@code limit}; only those in {@code status} when given. Two queries: the page's rows, then
   * all their lines.
   */
  List<Order> page(
      String customerId, @Nullable OrderStatus status, @Nullable OrderCursor after, int limit) {
    StringBuilder sql =
        new StringBuilder("SELECT " + COLUMNS + " FROM orders WHERE customer_id = :customer");
    Map<String, Object> params = new HashMap<>();
    params.put("customer", customerId);
    if (status != null) {
      sql.append(" AND status = :status");
      params.put("status", status.name());
    }
    if (after != null) {
      sql.append(" AND (created_at, id) < (:createdAt, :id)");
      params.put("createdAt", Timestamp.from(after.createdAt()));
      params.put("id", after.id());
    }
    sql.append(" ORDER BY created_at DESC, id DESC LIMIT :limit");
    params.put("limit", limit);
    return reads.read(
        standby ->
            withLines(standby, standby.sql(sql.toString()).params(params).query(Row::of).list()));
  }

  /** The orders of these rows, all their lines read in one query. */
  private static List<Order> withLines(JdbcClient jdbc, List<Row> rows) {
    if (rows.isEmpty()) {
      return List.of();
    }
    Map<UUID, List<OrderLine>> lines = new HashMap<>();
    jdbc.sql(
            "SELECT order_id, sku, quantity FROM order_line WHERE order_id IN (:ids)"
                + " ORDER BY order_id, line_no")
        .param("ids", rows.stream().map(Row::id).toList())
        .query(
            (RowCallbackHandler)
                rs ->
                    lines
                        .computeIfAbsent(rs.getObject(1, UUID.class), id -> new ArrayList<>())
                        .add(new OrderLine(rs.getString(2), rs.getInt(3))));
    return rows.stream().map(row -> row.with(lines.getOrDefault(row.id(), List.of()))).toList();
  }

  private static Optional<Order> load(JdbcClient jdbc, UUID id, String lock) {
    return jdbc.sql("SELECT " + COLUMNS + " FROM orders WHERE id = ?" + lock)
        .param(id)
        .query(Row::of)
        .optional()
        .map(row -> row.with(lines(jdbc, id)));
  }

  private static final String COLUMNS =
      "id, customer_id, status, rejection_reason, created_at, updated_at";

  /** An order's row, read before its lines (so no result set is open while they are read). */
  private record Row(
      UUID id,
      String customerId,
      OrderStatus status,
      @Nullable String rejectionReason,
      Instant createdAt,
      Instant updatedAt) {

    static Row of(ResultSet rs, int n) throws SQLException {
      return new Row(
          rs.getObject(1, UUID.class),
          rs.getString(2),
          OrderStatus.valueOf(rs.getString(3)),
          rs.getString(4),
          rs.getTimestamp(5).toInstant(),
          rs.getTimestamp(6).toInstant());
    }

    Order with(List<OrderLine> lines) {
      return Order.restore(id, customerId, lines, status, rejectionReason, createdAt, updatedAt);
    }
  }

  void insert(Order order) {
    jdbc.sql(
            "INSERT INTO orders (id, customer_id, status, rejection_reason, created_at,"
                + " updated_at) VALUES (?, ?, ?, ?, ?, ?)")
        .param(1, order.id())
        .param(2, order.customerId())
        .param(3, order.status().name())
        .param(4, order.rejectionReason())
        .param(5, Timestamp.from(order.createdAt()))
        .param(6, Timestamp.from(order.updatedAt()))
        .update();
    List<OrderLine> items = order.items();
    for (int i = 0; i < items.size(); i++) {
      jdbc.sql("INSERT INTO order_line (order_id, line_no, sku, quantity) VALUES (?, ?, ?, ?)")
          .params(order.id(), i, items.get(i).sku(), items.get(i).quantity())
          .update();
    }
    outbox.appendAll(order.id().toString(), order.pullEvents());
  }

  void update(Order order) {
    jdbc.sql("UPDATE orders SET status = ?, rejection_reason = ?, updated_at = ? WHERE id = ?")
        .param(1, order.status().name())
        .param(2, order.rejectionReason())
        .param(3, Timestamp.from(order.updatedAt()))
        .param(4, order.id())
        .update();
    outbox.appendAll(order.id().toString(), order.pullEvents());
  }

  private static List<OrderLine> lines(JdbcClient jdbc, UUID id) {
    return jdbc.sql("SELECT sku, quantity FROM order_line WHERE order_id = ? ORDER BY line_no")
        .param(id)
        .query((rs, n) -> new OrderLine(rs.getString(1), rs.getInt(2)))
        .list();
  }
}
