package io.bulwark.inventory.reservation;

import io.bulwark.reliability.inbox.IdempotentConsumer;
import io.bulwark.reliability.inbox.IdempotentConsumers;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Reads order events and applies each once: the inbox row, the stock change and the reply event
 * commit together. Failures are retried and dead-lettered by the kit's error handler.
 */
@Component
class OrderEventsListener {

  static final String CONSUMER = "inventory-service";

  private final IdempotentConsumer consumer;

  OrderEventsListener(
      IdempotentConsumers consumers, ReservingStock reserving, ReleasingStock releasing) {
    this.consumer =
        consumers.create(
            CONSUMER,
            OrderEvents.TOPIC,
            consumers
                .routes()
                .on("OrderPlaced", 1, OrderEvents.OrderPlaced.class, (e, env) -> reserving.on(e))
                .on(
                    "OrderCancelled",
                    1,
                    OrderEvents.OrderCancelled.class,
                    (e, env) -> releasing.on(e))
                .on(
                    "OrderRejected",
                    1,
                    OrderEvents.OrderRejected.class,
                    (e, env) -> releasing.on(e))
                .build());
  }

  @KafkaListener(topics = OrderEvents.TOPIC)
  void on(ConsumerRecord<String, byte[]> record) {
    consumer.accept(record);
  }
}
