package io.bulwark.reliability.autoconfigure;

import io.bulwark.reliability.event.MalformedEventException;
import io.bulwark.reliability.failover.TransientFailures;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.support.ExponentialBackOffWithMaxRetries;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * What every Kafka listener does with a record it cannot process: retry with exponential backoff,
 * then publish it unchanged (raw bytes, with the exception in headers) to the dead-letter topic and
 * move on; its dead letter says how often and since when it failed. A malformed record is not
 * retried. A transient database failure (a failover) is retried until the database is back, however
 * long that takes: the partition waits, nothing is lost. The listener's offset advances only after
 * the record was processed or dead-lettered, so nothing is lost.
 */
@AutoConfiguration(before = KafkaAutoConfiguration.class)
@ConditionalOnClass({DefaultErrorHandler.class, KafkaProperties.class})
@EnableConfigurationProperties(ConsumerProperties.class)
public class ConsumerFailureAutoConfiguration {

  @Bean
  DeadLetterTopics deadLetterTopics(ConsumerProperties properties) {
    return new DeadLetterTopics(properties.deadLetterSuffix());
  }

  @Bean
  @ConditionalOnMissingBean(CommonErrorHandler.class)
  DefaultErrorHandler bulwarkErrorHandler(
      KafkaProperties kafka,
      ConsumerProperties properties,
      DeadLetterTopics topics,
      ObjectProvider<Clock> clock,
      ObjectProvider<MeterRegistry> meters) {
    Map<String, Object> producer = new HashMap<>(kafka.buildProducerProperties());
    producer.put(ProducerConfig.ACKS_CONFIG, "all");
    producer.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    producer.put(ProducerConfig.CLIENT_ID_CONFIG, "bulwark-dead-letter");
    KafkaTemplate<String, byte[]> deadLetters =
        new KafkaTemplate<>(
            new DefaultKafkaProducerFactory<>(
                producer, new StringSerializer(), new ByteArraySerializer()));
    DeadLetterPublishingRecoverer recoverer =
        new DeadLetterPublishingRecoverer(
            deadLetters, (record, exception) -> new TopicPartition(topics.of(record.topic()), -1));
    FailureHistory history = new FailureHistory(clock.getIfAvailable(Clock::systemUTC));
    recoverer.setHeadersFunction(history::deadLetterHeaders);
    ExponentialBackOffWithMaxRetries backOff =
        new ExponentialBackOffWithMaxRetries(properties.maxRetries());
    backOff.setInitialInterval(properties.initialInterval().toMillis());
    backOff.setMultiplier(properties.multiplier());
    backOff.setMaxInterval(properties.maxInterval().toMillis());
    MeterRegistry registry = meters.getIfAvailable();
    DefaultErrorHandler handler =
        new DefaultErrorHandler(
            (record, exception) -> {
              recoverer.accept(record, exception);
              if (registry != null) {
                // bulwark.deadletters{topic}: records of each topic sent to its dead-letter topic
                registry.counter("bulwark.deadletters", "topic", record.topic()).increment();
              }
            },
            backOff);
    handler.setRetryListeners(history);
    handler.addNotRetryableExceptions(MalformedEventException.class);
    // a database failover is waited out, never dead-lettered
    ExponentialBackOff untilTheDatabaseIsBack = new ExponentialBackOff();
    untilTheDatabaseIsBack.setInitialInterval(properties.initialInterval().toMillis());
    untilTheDatabaseIsBack.setMultiplier(properties.multiplier());
    untilTheDatabaseIsBack.setMaxInterval(properties.maxInterval().toMillis());
    handler.setBackOffFunction(
        (record, exception) ->
            TransientFailures.isTransient(exception) ? untilTheDatabaseIsBack : null);
    return handler;
  }
}
