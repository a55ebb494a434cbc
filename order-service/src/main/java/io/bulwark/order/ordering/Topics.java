package io.bulwark.order.ordering;

import io.bulwark.reliability.autoconfigure.DeadLetterTopics;
import org.apache.kafka.clients.admin.NewTopic;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.TopicBuilder;

/** The topics this service writes to: its events, and the dead letters of what it reads. */
@Configuration(proxyBeanMethods = false)
class Topics {

  /** inventory-service's published topic, as this consumer knows it. */
  static final String INVENTORY_EVENTS = "bulwark.inventory.events";

  @Bean
  NewTopic orderEvents() {
    return TopicBuilder.name(OrderEvents.TOPIC).partitions(3).build();
  }

  @Bean
  NewTopic inventoryEventsDeadLetters(DeadLetterTopics deadLetters) {
    return deadLetters.newTopic(INVENTORY_EVENTS, 3);
  }
}
