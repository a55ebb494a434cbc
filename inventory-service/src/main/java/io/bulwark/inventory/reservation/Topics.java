package io.bulwark.inventory.reservation;

import io.bulwark.reliability.autoconfigure.DeadLetterTopics;
import org.apache.kafka.clients.admin.NewTopic;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.TopicBuilder;

/** The topics this service writes to: its events, and the dead letters of what it reads. */
@Configuration(proxyBeanMethods = false)
class Topics {

  @Bean
  NewTopic inventoryEvents() {
    return TopicBuilder.name(InventoryEvents.TOPIC).partitions(3).build();
  }

  @Bean
  NewTopic orderEventsDeadLetters(DeadLetterTopics deadLetters) {
    return deadLetters.newTopic(OrderEvents.TOPIC, 3);
  }
}
