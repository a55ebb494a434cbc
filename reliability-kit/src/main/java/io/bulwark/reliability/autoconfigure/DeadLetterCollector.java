package io.bulwark.reliability.autoconfigure;

import io.bulwark.reliability.deadletter.DeadLetters;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.listener.KafkaMessageListenerContainer;
import org.springframework.kafka.listener.MessageListener;
import org.springframework.util.backoff.FixedBackOff;

/**
 * Reads the service's dead-letter topics into {@link DeadLetters}, in a consumer group of its own.
 * It never gives up on a record: storing one fails only when the database does, and then it waits
 * and tries again (a dead letter of a dead letter would help nobody). Its topics are known once
 * every consumer has been built, so it subscribes when the application starts.
 */
final class DeadLetterCollector implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(DeadLetterCollector.class);

  private final Map<String, Object> consumer;
  private final Supplier<List<String>> topics;
  private final DeadLetters letters;
  private @Nullable KafkaMessageListenerContainer<String, byte[]> container;

  DeadLetterCollector(
      Map<String, Object> consumer, Supplier<List<String>> topics, DeadLetters letters) {
    this.consumer = consumer;
    this.topics = topics;
    this.letters = letters;
  }

  @Override
  public synchronized void start() {
    List<String> deadLetterTopics = topics.get();
    if (deadLetterTopics.isEmpty()) {
      return;
    }
    ContainerProperties properties =
        new ContainerProperties(deadLetterTopics.toArray(String[]::new));
    properties.setMessageListener(
        (MessageListener<String, byte[]>) record -> letters.capture(record));
    KafkaMessageListenerContainer<String, byte[]> started =
        new KafkaMessageListenerContainer<>(
            new DefaultKafkaConsumerFactory<>(consumer), properties);
    started.setCommonErrorHandler(
        new DefaultErrorHandler(
            (record, failure) -> {
              throw new IllegalStateException("a dead letter is never given up", failure);
            },
            new FixedBackOff(1000, FixedBackOff.UNLIMITED_ATTEMPTS)));
    started.setBeanName("bulwark-dead-letter-collector");
    started.start();
    container = started;
    log.info("collecting dead letters from {}", deadLetterTopics);
  }

  @Override
  public synchronized void stop() {
    if (container != null) {
      container.stop();
      container = null;
    }
  }

  @Override
  public synchronized boolean isRunning() {
    return container != null;
  }
}
