package io.bulwark.reliability.event;

import java.util.Objects;

/**
 * The wire identity of an event: the topic it is published on, the aggregate whose stream it
 * belongs to (the aggregate's id is the Kafka key, so one aggregate's events stay in order), its
 * type name and its schema version. Consumers and the JSON schemas in {@code contracts/events} know
 * an event by this identity alone, so renaming or moving the class that carries it changes nothing
 * on the wire.
 */
public record EventType(String topic, String aggregateType, String name, int version) {

  public EventType {
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(aggregateType, "aggregateType");
    Objects.requireNonNull(name, "name");
    if (topic.isBlank() || aggregateType.isBlank() || name.isBlank()) {
      throw new IllegalArgumentException("topic, aggregate type and name must not be blank");
    }
    if (version < 1) {
      throw new IllegalArgumentException("version must be positive: " + version);
    }
  }

  @Override
  public String toString() {
    return name + " v" + version + " on " + topic;
  }
}
