package io.bulwark.reliability.inbox;

import io.bulwark.reliability.event.EventEnvelope;

/** Applies one event type; runs inside the consumer's transaction, together with the inbox row. */
@FunctionalInterface
public interface EventHandler<T> {

  void handle(T payload, EventEnvelope envelope);
}
