package io.bulwark.reliability.outbox;

import io.bulwark.reliability.correlation.CorrelationId;
import io.bulwark.reliability.event.EventCodec;
import io.bulwark.reliability.event.EventEnvelope;
import io.bulwark.reliability.tracing.EventTracing;
import io.bulwark.reliability.tracing.TraceHeaders;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * {@link Outbox} on PostgreSQL. The data source must hand out the caller's transactional connection
 * (with Spring, a {@code TransactionAwareDataSourceProxy}); an insert trigger sends a {@code
 * NOTIFY} on commit that wakes the relays.
 */
public final class PostgresOutbox implements Outbox {

  private static final String INSERT =
      "INSERT INTO bulwark.outbox (event_id, topic, message_key, event_type, shard, message,"
          + " created_at, correlation_id, trace_context)"
          + " VALUES (?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?::jsonb)";

  private final DataSource transactionalDataSource;
  private final EventCodec codec;
  private final int shards;
  private final Clock clock;
  private final EventTracing tracing;

  public PostgresOutbox(
      DataSource transactionalDataSource, EventCodec codec, int shards, Clock clock) {
    this(transactionalDataSource, codec, shards, clock, EventTracing.NONE);
  }

  /** Storing with each event the trace context current when it is appended. */
  public PostgresOutbox(
      DataSource transactionalDataSource,
      EventCodec codec,
      int shards,
      Clock clock,
      EventTracing tracing) {
    if (shards < 1) {
      throw new IllegalArgumentException("shards must be positive");
    }
    this.transactionalDataSource = transactionalDataSource;
    this.codec = codec;
    this.shards = shards;
    this.clock = clock;
    this.tracing = tracing;
  }

  @Override
  public void append(OutboxEvent event) {
    Instant now = clock.instant();
    EventEnvelope envelope =
        new EventEnvelope(
            UUID.randomUUID(),
            event.type(),
            event.schemaVersion(),
            event.aggregateType(),
            event.aggregateId(),
            now,
            codec.toPayload(event.payload()),
            CorrelationId.current());
    try (Connection connection = transactionalDataSource.getConnection()) {
      if (connection.getAutoCommit()) {
        throw new IllegalStateException(
            "Outbox.append needs the caller's transaction: the event must commit with its change");
      }
      try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
        insert.setObject(1, envelope.eventId());
        insert.setString(2, event.topic());
        insert.setString(3, event.aggregateId());
        insert.setString(4, event.type());
        insert.setInt(5, Shards.of(event.aggregateId(), shards));
        insert.setString(6, codec.encodeToString(envelope));
        insert.setTimestamp(7, Timestamp.from(now));
        insert.setString(8, envelope.correlationId());
        insert.setString(9, TraceHeaders.toJson(tracing.currentContext()));
        insert.executeUpdate();
      }
    } catch (SQLException e) {
      throw new OutboxException("cannot append " + event.type(), e);
    }
  }
}
