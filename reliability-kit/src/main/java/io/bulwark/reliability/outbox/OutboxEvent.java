package io.bulwark.reliability.outbox;

import io.bulwark.reliability.event.EventType;
import io.bulwark.reliability.event.PublishedEvent;
import java.util.Objects;

/**
 * An event to publish: the topic, the aggregate it concerns (whose id becomes the Kafka key), the
 * event type with its schema version, and the payload, any object the JSON mapper can write.
 */
public record OutboxEvent(
    String topic,
    String aggregateType,
    String aggregateId,
    String type,
    int schemaVersion,
    Object payload) {

  public OutboxEvent {
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(aggregateType, "aggregateType");
    Objects.requireNonNull(aggregateId, "aggregateId");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(payload, "payload");
  }

  /** The event under the identity it declares, keyed by its aggregate's id. */
  public static OutboxEvent of(String aggregateId, PublishedEvent event) {
    EventType type = event.eventType();
    return new OutboxEvent(
        type.topic(), type.aggregateType(), aggregateId, type.name(), type.version(), event);
  }
}
