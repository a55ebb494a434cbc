package io.bulwark.reliability.outbox;

import java.util.List;

/**
 * Sends a batch to the broker and returns only when every message of it is acknowledged (with
 * Kafka: written to all in-sync replicas), or throws. Messages with one key are sent in order.
 */
public interface EventPublisher extends AutoCloseable {

  void publish(List<OutboxMessage> batch);

  @Override
  default void close() {}
}
