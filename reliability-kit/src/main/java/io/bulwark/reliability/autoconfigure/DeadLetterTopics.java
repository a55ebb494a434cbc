package io.bulwark.reliability.autoconfigure;

import org.apache.kafka.clients.admin.NewTopic;
import org.springframework.kafka.config.TopicBuilder;

/**
 * Where a consumed topic's dead letters go: {@code <topic><bulwark.consumer.dead-letter-suffix>}.
 * The error handler publishes there, and a service declares the topics it needs with {@link
 * #newTopic}, so the name is derived in one place.
 */
public final class DeadLetterTopics {

  private final String suffix;

  DeadLetterTopics(String suffix) {
    if (suffix.isBlank()) {
      throw new IllegalArgumentException("the dead-letter suffix must not be blank");
    }
    this.suffix = suffix;
  }

  /** The dead-letter topic of records consumed from {@code topic}. */
  public String of(String topic) {
    return topic + suffix;
  }

  /**
   * The dead-letter topic of {@code topic}, to be created with as many partitions as its source, so
   * a dead letter keeps the partition, and so the order, of the record it replaces.
   */
  public NewTopic newTopic(String topic, int partitions) {
    return TopicBuilder.name(of(topic)).partitions(partitions).build();
  }
}
