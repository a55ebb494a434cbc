package io.bulwark.order.ordering;

import io.bulwark.reliability.inbox.IdempotentConsumer;
import io.bulwark.reliability.inbox.IdempotentConsumers;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/** Reads the inventory's replies and applies each once, in one transaction with its inbox row. */
@Component
class InventoryEventsListener {

  static final String CONSUMER = "order-service";

  /** This consumer's reading of inventory-service's {@code StockReserved} v1. */
  record StockReserved(String orderId) {}

  /** This consumer's reading of inventory-service's {@code StockRejected} v1. */
  record StockRejected(String orderId, String reason) {}

  private final IdempotentConsumer consumer;

  InventoryEventsListener(IdempotentConsumers consumers, ConcludingOrder concluding) {
    this.consumer =
        consumers.create(
            CONSUMER,
            Topics.INVENTORY_EVENTS,
            consumers
                .routes()
                .on(
                    "StockReserved",
                    1,
                    StockReserved.class,
                    (e, env) -> concluding.stockReserved(e.orderId()))
                .on(
                    "StockRejected",
                    1,
                    StockRejected.class,
                    (e, env) -> concluding.stockRejected(e.orderId(), e.reason()))
                .build());
  }

  @KafkaListener(topics = Topics.INVENTORY_EVENTS)
  void on(ConsumerRecord<String, byte[]> record) {
    consumer.accept(record);
  }
}
