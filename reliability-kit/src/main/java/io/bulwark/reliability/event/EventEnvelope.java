package io.bulwark.reliability.event;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * What travels on the wire for every event: a unique id (the consumers' deduplication key), the
 * event type and its schema version, the aggregate it belongs to (also the Kafka key, so one
 * aggregate's events stay in order), when it happened, and the payload as JSON.
 *
 * <p>{@code correlationId} (optional) ties the event to the request that caused it, across
 * services.
 *
 * <p>Services share this envelope and the JSON schemas of the payloads, never classes of each
 * other's domain.
 */
public record EventEnvelope(
    UUID eventId,
    String type,
    int schemaVersion,
    String aggregateType,
    String aggregateId,
    Instant occurredAt,
    JsonNode payload,
    @Nullable String correlationId) {

  /** An envelope without a correlation id. */
  public EventEnvelope(
      UUID eventId,
      String type,
      int schemaVersion,
      String aggregateType,
      String aggregateId,
      Instant occurredAt,
      JsonNode payload) {
    this(eventId, type, schemaVersion, aggregateType, aggregateId, occurredAt, payload, null);
  }

  public EventEnvelope {
    Objects.requireNonNull(eventId, "eventId");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(aggregateType, "aggregateType");
    Objects.requireNonNull(aggregateId, "aggregateId");
    Objects.requireNonNull(occurredAt, "occurredAt");
    Objects.requireNonNull(payload, "payload");
    if (schemaVersion < 1) {
      throw new IllegalArgumentException("schemaVersion must be positive: " + schemaVersion);
    }
  }
}
