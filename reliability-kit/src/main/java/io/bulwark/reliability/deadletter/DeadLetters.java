package io.bulwark.reliability.deadletter;

import static io.bulwark.reliability.deadletter.Statements.bind;
import static io.bulwark.reliability.deadletter.Statements.instant;

import io.bulwark.reliability.deadletter.DeadLetter.Failure;
import io.bulwark.reliability.deadletter.DeadLetter.Resolution;
import io.bulwark.reliability.deadletter.DeadLetter.Source;
import io.bulwark.reliability.deadletter.DeadLetter.Status;
import io.bulwark.reliability.event.EventCodec;
import io.bulwark.reliability.event.EventEnvelope;
import io.bulwark.reliability.event.MalformedEventException;
import io.bulwark.reliability.tracing.TraceHeaders;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Headers;
import org.jspecify.annotations.Nullable;

/**
 * The service's dead letters in PostgreSQL ({@code bulwark.dead_letter}), fed from its dead-letter
 * topics by {@link #capture}.
 *
 * <p>Why a table and not the topics themselves: an operator filters by type, error and age, pages,
 * and marks records redriven or discarded, none of which a topic can do; a topic's retention would
 * also delete records nobody has looked at. The topics stay the first landing place, because the
 * error handler can publish to Kafka when the database is what failed.
 *
 * <p>Capturing is idempotent: one row per event (original topic and event id), so reading the same
 * dead-letter record twice changes nothing, and a record dead-lettered again after a redrive adds
 * its attempts to its row and opens it again.
 */
public final class DeadLetters {

  private final DataSource dataSource;
  private final EventCodec codec;
  private final Clock clock;

  public DeadLetters(DataSource dataSource, EventCodec codec, Clock clock) {
    this.dataSource = dataSource;
    this.codec = codec;
    this.clock = clock;
  }

  /** Stores a record read from a dead-letter topic; a record already stored changes nothing. */
  public void capture(ConsumerRecord<String, byte[]> record) {
    Headers headers = record.headers();
    byte[] payload = record.value() == null ? new byte[0] : record.value();
    EventEnvelope envelope = readable(payload);
    Instant failedAt = Instant.ofEpochMilli(record.timestamp());
    Instant firstFailedAt = DeadLetterHeaders.instant(headers, DeadLetterHeaders.FIRST_FAILED_AT);
    String originalTopic = DeadLetterHeaders.text(headers, DeadLetterHeaders.ORIGINAL_TOPIC);
    String causeClass = DeadLetterHeaders.text(headers, DeadLetterHeaders.EXCEPTION_CAUSE_CLASS);
    String failureClass = DeadLetterHeaders.text(headers, DeadLetterHeaders.FAILURE_CLASS);
    String failureMessage = DeadLetterHeaders.text(headers, DeadLetterHeaders.FAILURE_MESSAGE);
    Object[] failure = {
      failureClass != null
          ? failureClass
          : causeClass != null
              ? causeClass
              : DeadLetterHeaders.text(headers, DeadLetterHeaders.EXCEPTION_CLASS),
      failureMessage != null
          ? failureMessage
          : withoutListenerPrefix(
              DeadLetterHeaders.text(headers, DeadLetterHeaders.EXCEPTION_MESSAGE)),
      DeadLetterHeaders.attempts(headers),
    };
    String traceContext = TraceHeaders.toJson(TraceHeaders.propagation(headers));
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      boolean updated = false;
      if (envelope != null) {
        try (PreparedStatement again =
            bind(
                connection.prepareStatement(
                    "UPDATE bulwark.dead_letter SET dlt_partition = ?, dlt_offset = ?,"
                        + " exception_class = ?, exception_message = ?,"
                        + " attempts = attempts + ?, times_dead_lettered = times_dead_lettered + 1,"
                        + " last_failed_at = ?, payload = ?, status = 'OPEN',"
                        + " trace_context = ?::jsonb"
                        + " WHERE original_topic = ? AND event_id = ? AND dlt_topic = ?"
                        + " AND (dlt_partition, dlt_offset) < (?, ?)"),
                record.partition(),
                record.offset(),
                failure[0],
                failure[1],
                failure[2],
                failedAt,
                payload,
                traceContext,
                originalTopic == null ? record.topic() : originalTopic,
                envelope.eventId(),
                record.topic(),
                record.partition(),
                record.offset())) {
          updated = again.executeUpdate() == 1;
        }
      }
      if (!updated) {
        try (PreparedStatement insert =
            bind(
                connection.prepareStatement(
                    "INSERT INTO bulwark.dead_letter (dlt_topic, dlt_partition, dlt_offset,"
                        + " original_topic, original_partition, original_offset, consumer_group,"
                        + " message_key, event_id, event_type, correlation_id, exception_class,"
                        + " exception_message, attempts, first_failed_at, last_failed_at, payload,"
                        + " trace_context)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb)"
                        + " ON CONFLICT DO NOTHING"),
                record.topic(),
                record.partition(),
                record.offset(),
                originalTopic == null ? record.topic() : originalTopic,
                DeadLetterHeaders.integer(headers, DeadLetterHeaders.ORIGINAL_PARTITION),
                DeadLetterHeaders.longValue(headers, DeadLetterHeaders.ORIGINAL_OFFSET),
                DeadLetterHeaders.text(headers, DeadLetterHeaders.ORIGINAL_CONSUMER_GROUP),
                record.key(),
                envelope == null ? null : envelope.eventId(),
                envelope == null ? null : envelope.type(),
                envelope == null ? null : envelope.correlationId(),
                failure[0],
                failure[1],
                failure[2],
                firstFailedAt == null || firstFailedAt.isAfter(failedAt) ? failedAt : firstFailedAt,
                failedAt,
                payload,
                traceContext)) {
          insert.executeUpdate();
        }
      }
      connection.commit();
    } catch (SQLException e) {
      throw new IllegalStateException("dead letters unavailable", e);
    }
  }

  /** Spring's "Listener method '...' threw exception; " says nothing an operator needs. */
  private static @Nullable String withoutListenerPrefix(@Nullable String message) {
    return message == null
        ? null
        : message.replaceFirst("^Listener method '.*?' threw exception; ", "");
  }

  private @Nullable EventEnvelope readable(byte[] payload) {
    try {
      return codec.decode(payload);
    } catch (MalformedEventException e) {
      return null;
    }
  }

  public Optional<DeadLetter> find(long id) {
    try (Connection connection = dataSource.getConnection()) {
      return find(connection, id);
    } catch (SQLException e) {
      throw new IllegalStateException("dead letters unavailable", e);
    }
  }

  Optional<DeadLetter> find(Connection connection, long id) throws SQLException {
    try (PreparedStatement select =
        bind(connection.prepareStatement(SELECT + " WHERE id = ?"), id)) {
      List<DeadLetter> found = read(select);
      return found.stream().findFirst();
    }
  }

  /** One page, in id order; the next page starts after the last record's id. */
  public List<DeadLetter> list(DeadLetterQuery query) {
    List<Object> parameters = new ArrayList<>();
    String where = where(query, parameters);
    parameters.add(query.limit());
    try (Connection connection = dataSource.getConnection();
        PreparedStatement select =
            bind(
                connection.prepareStatement(SELECT + where + " ORDER BY id LIMIT ?"),
                parameters.toArray())) {
      return read(select);
    } catch (SQLException e) {
      throw new IllegalStateException("dead letters unavailable", e);
    }
  }

  /** The ids of every record the query selects (ignoring its page), at most {@code max}. */
  public List<Long> ids(DeadLetterQuery query, int max) {
    List<Object> parameters = new ArrayList<>();
    String where = where(query, parameters);
    parameters.add(max);
    try (Connection connection = dataSource.getConnection();
        PreparedStatement select =
            bind(
                connection.prepareStatement(
                    "SELECT id FROM bulwark.dead_letter" + where + " ORDER BY id LIMIT ?"),
                parameters.toArray());
        ResultSet rows = select.executeQuery()) {
      List<Long> ids = new ArrayList<>();
      while (rows.next()) {
        ids.add(rows.getLong(1));
      }
      return ids;
    } catch (SQLException e) {
      throw new IllegalStateException("dead letters unavailable", e);
    }
  }

  /** What {@link #discard} found. */
  public enum Discarded {
    DISCARDED,
    NOT_FOUND,
    ALREADY_DISCARDED
  }

  /** Marks the record discarded, by whom and why; it stays readable, and is never redriven. */
  public Discarded discard(long id, String reason, String by) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement update =
            bind(
                connection.prepareStatement(
                    "UPDATE bulwark.dead_letter SET status = 'DISCARDED', discarded_at = ?,"
                        + " discarded_by = ?, discard_reason = ?"
                        + " WHERE id = ? AND status <> 'DISCARDED'"),
                clock.instant(),
                by,
                reason,
                id)) {
      if (update.executeUpdate() == 1) {
        return Discarded.DISCARDED;
      }
      return find(connection, id).isPresent() ? Discarded.ALREADY_DISCARDED : Discarded.NOT_FOUND;
    } catch (SQLException e) {
      throw new IllegalStateException("dead letters unavailable", e);
    }
  }

  /** Records per original topic and status. */
  public Map<String, Map<Status, Long>> countsByTopic() {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement select =
            connection.prepareStatement(
                "SELECT original_topic, status, count(*) FROM bulwark.dead_letter"
                    + " GROUP BY original_topic, status ORDER BY original_topic, status");
        ResultSet rows = select.executeQuery()) {
      Map<String, Map<Status, Long>> counts = new LinkedHashMap<>();
      while (rows.next()) {
        counts
            .computeIfAbsent(rows.getString(1), topic -> new LinkedHashMap<>())
            .put(Status.valueOf(rows.getString(2)), rows.getLong(3));
      }
      return counts;
    } catch (SQLException e) {
      throw new IllegalStateException("dead letters unavailable", e);
    }
  }

  void redriven(Connection connection, long id, String outcome) throws SQLException {
    try (PreparedStatement update =
        bind(
            connection.prepareStatement(
                "UPDATE bulwark.dead_letter SET status = 'REDRIVEN', redriven_at = ?,"
                    + " redrive_outcome = ? WHERE id = ?"),
            clock.instant(),
            outcome,
            id)) {
      update.executeUpdate();
    }
  }

  void redriveFailed(Connection connection, long id, Exception failure) throws SQLException {
    try (PreparedStatement update =
        bind(
            connection.prepareStatement(
                "UPDATE bulwark.dead_letter SET attempts = attempts + 1, last_failed_at = ?,"
                    + " exception_class = ?, exception_message = ? WHERE id = ?"),
            clock.instant(),
            whatFailed(failure).getClass().getName(),
            String.valueOf(whatFailed(failure).getMessage()),
            id)) {
      update.executeUpdate();
    }
  }

  /**
   * What failed, as an operator needs it: past the framework's wrappers (Spring's exceptions saying
   * that a listener or a statement failed, and restating it) to the first exception of the
   * application or of a library it calls ({@code ERROR: ...} from the database; the kit's {@code
   * MalformedEventException}, not the parser's error inside it).
   */
  public static Throwable whatFailed(Throwable thrown) {
    Throwable failure = thrown;
    while (failure.getClass().getName().startsWith("org.springframework.")
        && failure.getCause() != null
        && failure.getCause() != failure) {
      failure = failure.getCause();
    }
    return failure;
  }

  private static final String SELECT =
      "SELECT id, original_topic, original_partition, original_offset, consumer_group, dlt_topic,"
          + " dlt_partition, dlt_offset, message_key, event_id, event_type, correlation_id,"
          + " exception_class, exception_message, first_failed_at, last_failed_at, attempts,"
          + " times_dead_lettered, payload, status, redriven_at, redrive_outcome, discarded_at,"
          + " discarded_by, discard_reason, trace_context::text FROM bulwark.dead_letter";

  private static String where(DeadLetterQuery query, List<Object> parameters) {
    StringBuilder where = new StringBuilder(" WHERE id > ?");
    parameters.add(query.afterId());
    if (query.status() != null) {
      where.append(" AND status = ?");
      parameters.add(query.status().name());
    }
    if (query.topic() != null) {
      where.append(" AND original_topic = ?");
      parameters.add(query.topic());
    }
    if (query.type() != null) {
      where.append(" AND event_type = ?");
      parameters.add(query.type());
    }
    if (query.error() != null) {
      where.append(
          " AND strpos(lower(coalesce(exception_class, '') || ' ' || coalesce(exception_message,"
              + " '')), lower(?)) > 0");
      parameters.add(query.error());
    }
    if (query.failedBefore() != null) {
      where.append(" AND last_failed_at < ?");
      parameters.add(query.failedBefore());
    }
    if (query.failedAfter() != null) {
      where.append(" AND last_failed_at > ?");
      parameters.add(query.failedAfter());
    }
    return where.toString();
  }

  private static List<DeadLetter> read(PreparedStatement select) throws SQLException {
    List<DeadLetter> letters = new ArrayList<>();
    try (ResultSet rows = select.executeQuery()) {
      while (rows.next()) {
        Status status = Status.valueOf(rows.getString(20));
        Instant redrivenAt = instant(rows.getTimestamp(21));
        Instant discardedAt = instant(rows.getTimestamp(23));
        Resolution resolution =
            status == Status.DISCARDED && discardedAt != null
                ? new Resolution(discardedAt, null, rows.getString(24), rows.getString(25))
                : redrivenAt != null
                    ? new Resolution(redrivenAt, rows.getString(22), null, null)
                    : null;
        letters.add(
            new DeadLetter(
                rows.getLong(1),
                new Source(
                    rows.getString(2),
                    rows.getObject(3, Integer.class),
                    rows.getObject(4, Long.class),
                    rows.getString(5),
                    rows.getString(6),
                    rows.getInt(7),
                    rows.getLong(8)),
                rows.getString(9),
                rows.getObject(10, UUID.class),
                rows.getString(11),
                rows.getString(12),
                new Failure(
                    rows.getString(13),
                    rows.getString(14),
                    rows.getTimestamp(15).toInstant(),
                    rows.getTimestamp(16).toInstant()),
                rows.getInt(17),
                rows.getInt(18),
                rows.getBytes(19),
                status,
                resolution,
                TraceHeaders.fromJson(rows.getString(26))));
      }
    }
    return letters;
  }
}
