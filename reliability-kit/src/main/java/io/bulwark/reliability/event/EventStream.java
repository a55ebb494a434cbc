package io.bulwark.reliability.event;

import java.util.Objects;

/**
 * One aggregate type's events on one topic, keyed by the aggregate's id: the part of an {@link
 * EventType} that all the events of an aggregate share.
 */
public record EventStream(String topic, String aggregateType) {

  public EventStream {
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(aggregateType, "aggregateType");
  }

  /** The identity of this stream's event {@code name} at schema {@code version}. */
  public EventType type(String name, int version) {
    return new EventType(topic, aggregateType, name, version);
  }
}
