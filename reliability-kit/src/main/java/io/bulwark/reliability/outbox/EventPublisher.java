package io.bulwark.reliability.outbox;

import java.util.List;

/**
 * Sends a batch to the broker and returns only when every message of it is acknowledged (with
 * Kafka: written to all in-sync replicas), or throws. Messages with one key are sent in order, and
 * a call that throws lets none of them through past one that failed, not even later: what reaches
 * the broker from it is, for each key, a first part of the batch's messages with that key (the one
 * exception, a message the broker refuses for good once sent, is told on the implementation).
 */
public interface EventPublisher extends AutoCloseable {

  void publish(List<OutboxMessage> batch);

  @Override
  default void close() {}
}
