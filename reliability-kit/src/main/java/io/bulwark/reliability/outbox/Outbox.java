package io.bulwark.reliability.outbox;

import io.bulwark.reliability.event.PublishedEvent;
import java.util.List;

/**
 * Appends events inside the caller's database transaction, so an event exists if and only if the
 * business change that raised it was committed. A relay publishes them afterwards.
 *
 * <p>Contract: {@link #append} must run inside an open transaction on the service's database and
 * fails with {@link IllegalStateException} otherwise; it never talks to the broker. Appended events
 * of one aggregate are published in the order they were appended.
 */
public interface Outbox {

  void append(OutboxEvent event);

  /**
   * Appends the events one aggregate raised, in order, each under the identity it declares and
   * keyed by {@code aggregateId}.
   */
  default void appendAll(String aggregateId, List<? extends PublishedEvent> events) {
    for (PublishedEvent event : events) {
      append(OutboxEvent.of(aggregateId, event));
    }
  }
}
