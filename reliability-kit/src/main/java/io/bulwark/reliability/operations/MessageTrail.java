package io.bulwark.reliability.operations;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * What this service's tables still hold of one aggregate's messages, for an operator following it:
 * the events it appended under the aggregate's key (when, by which instance, published when and by
 * which instance, in which trace), the messages it processed among those another service sent
 * (when, by which instance), and the idempotency key whose first request created a resource. Rows
 * the purges removed are gone from it; an instance is named when its connections carried its name
 * ({@code application_name}).
 */
public final class MessageTrail {

  /** An event appended to the outbox. */
  public record Appended(
      UUID eventId,
      String topic,
      String eventType,
      Instant appendedAt,
      @Nullable String appendedBy,
      @Nullable Instant publishedAt,
      @Nullable String publishedBy,
      @Nullable String correlationId,
      @Nullable String traceId) {}

  /** A message a consumer of this service processed (its effect committed with this row). */
  public record Consumed(
      String consumer, UUID messageId, Instant processedAt, @Nullable String processedBy) {}

  /**
   * A message under the key that a consumer of this service gave up on: how often it failed, the
   * error, and what became of it ({@code OPEN}, {@code REDRIVEN} with the redrive's outcome, or
   * {@code DISCARDED} by an operator).
   */
  public record DeadLettered(
      long id,
      String topic,
      @Nullable String eventType,
      @Nullable UUID eventId,
      int attempts,
      Instant firstFailedAt,
      Instant lastFailedAt,
      @Nullable String error,
      String status,
      @Nullable Instant redrivenAt,
      @Nullable String redriveOutcome,
      @Nullable Instant discardedAt,
      @Nullable String discardedBy) {}

  /** The idempotency key of the request that created a resource, and until when it holds. */
  public record Key(String scope, String key, int status, Instant createdAt, Instant expiresAt) {}

  /** The most events one key's trail lists (an order has a handful). */
  public static final int MAX_APPENDED = 100;

  private final DataSource dataSource;

  public MessageTrail(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** The events appended under {@code key}, oldest first. */
  public List<Appended> appended(String key) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement select =
            connection.prepareStatement(
                "SELECT event_id, topic, event_type, created_at, appended_by, published_at,"
                    + " published_by, correlation_id, trace_context ->> 'traceparent'"
                    + " FROM bulwark.outbox WHERE message_key = ? ORDER BY id LIMIT ?")) {
      select.setString(1, key);
      select.setInt(2, MAX_APPENDED);
      List<Appended> events = new ArrayList<>();
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          events.add(
              new Appended(
                  rows.getObject(1, UUID.class),
                  rows.getString(2),
                  rows.getString(3),
                  rows.getTimestamp(4).toInstant(),
                  rows.getString(5),
                  instant(rows.getTimestamp(6)),
                  rows.getString(7),
                  rows.getString(8),
                  traceId(rows.getString(9))));
        }
      }
      return events;
    } catch (SQLException e) {
      throw new IllegalStateException("outbox unavailable", e);
    }
  }

  /**
   * Which of these messages a consumer of this service processed. The inbox's key leads with the
   * consumer, so each consumer is visited once (a skip along the index) and its messages looked up
   * by key: no scan of the inbox, however many messages it holds.
   */
  public List<Consumed> consumed(Collection<UUID> messageIds) {
    if (messageIds.isEmpty()) {
      return List.of();
    }
    try (Connection connection = dataSource.getConnection()) {
      Array ids = connection.createArrayOf("uuid", messageIds.toArray());
      try (PreparedStatement select =
          connection.prepareStatement(
              "WITH RECURSIVE consumers (name) AS ("
                  + " SELECT min(consumer) FROM bulwark.inbox"
                  + " UNION ALL SELECT (SELECT min(consumer) FROM bulwark.inbox"
                  + " WHERE consumer > consumers.name) FROM consumers WHERE name IS NOT NULL)"
                  + " SELECT i.consumer, i.message_id, i.processed_at, i.processed_by"
                  + " FROM consumers JOIN bulwark.inbox i ON i.consumer = consumers.name"
                  + " AND i.message_id = ANY(?) ORDER BY i.processed_at")) {
        select.setArray(1, ids);
        List<Consumed> consumed = new ArrayList<>();
        try (ResultSet rows = select.executeQuery()) {
          while (rows.next()) {
            consumed.add(
                new Consumed(
                    rows.getString(1),
                    rows.getObject(2, UUID.class),
                    rows.getTimestamp(3).toInstant(),
                    rows.getString(4)));
          }
        }
        return consumed;
      } finally {
        ids.free();
      }
    } catch (SQLException e) {
      throw new IllegalStateException("inbox unavailable", e);
    }
  }

  /** The dead letters of messages under {@code key}, oldest first. */
  public List<DeadLettered> deadLettered(String key) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement select =
            connection.prepareStatement(
                "SELECT id, original_topic, event_type, event_id, attempts, first_failed_at,"
                    + " last_failed_at, exception_message, status, redriven_at, redrive_outcome,"
                    + " discarded_at, discarded_by FROM bulwark.dead_letter WHERE message_key = ?"
                    + " ORDER BY id LIMIT ?")) {
      select.setString(1, key);
      select.setInt(2, MAX_APPENDED);
      List<DeadLettered> letters = new ArrayList<>();
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          letters.add(
              new DeadLettered(
                  rows.getLong(1),
                  rows.getString(2),
                  rows.getString(3),
                  rows.getObject(4, UUID.class),
                  rows.getInt(5),
                  rows.getTimestamp(6).toInstant(),
                  rows.getTimestamp(7).toInstant(),
                  rows.getString(8),
                  rows.getString(9),
                  instant(rows.getTimestamp(10)),
                  rows.getString(11),
                  instant(rows.getTimestamp(12)),
                  rows.getString(13)));
        }
      }
      return letters;
    } catch (SQLException e) {
      throw new IllegalStateException("dead letters unavailable", e);
    }
  }

  /** The keys whose first request created the resource at {@code location}, latest first. */
  public List<Key> keysFor(String location) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement select =
            connection.prepareStatement(
                "SELECT scope, key, status, created_at, expires_at FROM bulwark.idempotency_key"
                    + " WHERE resource = ? ORDER BY created_at DESC LIMIT 10")) {
      select.setString(1, location);
      List<Key> keys = new ArrayList<>();
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          keys.add(
              new Key(
                  rows.getString(1),
                  rows.getString(2),
                  rows.getInt(3),
                  rows.getTimestamp(4).toInstant(),
                  rows.getTimestamp(5).toInstant()));
        }
      }
      return keys;
    } catch (SQLException e) {
      throw new IllegalStateException("idempotency keys unavailable", e);
    }
  }

  private static @Nullable Instant instant(@Nullable Timestamp timestamp) {
    return timestamp == null ? null : timestamp.toInstant();
  }

  /** The trace id of a W3C {@code traceparent} (version-traceid-spanid-flags). */
  static @Nullable String traceId(@Nullable String traceparent) {
    if (traceparent == null) {
      return null;
    }
    String[] parts = traceparent.split("-");
    return parts.length == 4 && parts[1].length() == 32 ? parts[1] : null;
  }
}
