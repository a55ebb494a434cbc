package io.bulwark.reliability.inbox;

import io.bulwark.reliability.event.EventCodec;
import io.bulwark.reliability.tracing.EventTracing;
import io.bulwark.reliability.transaction.Transactions;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Builds idempotent consumers that share one inbox; a service names each, says which topic it
 * reads, and gives its routes. The kit finds a topic's consumer here to collect the topic's dead
 * letters and to redrive them.
 */
public final class IdempotentConsumers {

  private final Inbox inbox;
  private final EventCodec codec;
  private final Transactions transactions;
  private final EventTracing tracing;
  private final Map<String, IdempotentConsumer> byTopic = new ConcurrentHashMap<>();

  public IdempotentConsumers(
      Inbox inbox, EventCodec codec, Transactions transactions, EventTracing tracing) {
    this.inbox = inbox;
    this.codec = codec;
    this.transactions = transactions;
    this.tracing = tracing;
  }

  public EventRouter.Builder routes() {
    return EventRouter.builder(codec);
  }

  /** A consumer of {@code topic}; a topic has one consumer in a service. */
  public IdempotentConsumer create(String name, String topic, EventRouter router) {
    IdempotentConsumer consumer =
        new IdempotentConsumer(name, topic, inbox, codec, router, transactions, tracing);
    if (byTopic.putIfAbsent(topic, consumer) != null) {
      throw new IllegalStateException("topic " + topic + " already has a consumer");
    }
    return consumer;
  }

  /** The topics the service's consumers read. */
  public Set<String> topics() {
    return Set.copyOf(byTopic.keySet());
  }

  public Optional<IdempotentConsumer> consumerOf(String topic) {
    return Optional.ofNullable(byTopic.get(topic));
  }
}
