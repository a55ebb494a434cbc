package io.bulwark.reliability.autoconfigure;

import io.bulwark.reliability.autoconfigure.ReliabilitySchemaAutoConfiguration.ReliabilitySchemaMigration;
import io.bulwark.reliability.deadletter.DeadLetters;
import io.bulwark.reliability.deadletter.RedriveJobs;
import io.bulwark.reliability.deadletter.Redriver;
import io.bulwark.reliability.event.EventCodec;
import io.bulwark.reliability.inbox.IdempotentConsumers;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;

/**
 * The service's dead letters as a table an operator can work with: a collector that reads the
 * dead-letter topics of every topic its idempotent consumers read, redrive jobs worked at a set
 * rate through the consumer that failed.
 */
@AutoConfiguration(after = {InboxAutoConfiguration.class, ConsumerFailureAutoConfiguration.class})
@ConditionalOnClass(KafkaProperties.class)
@ConditionalOnBean({DataSource.class, IdempotentConsumers.class})
@EnableConfigurationProperties(DeadLetterProperties.class)
public class DeadLetterAutoConfiguration {

  @Bean
  DeadLetters deadLetters(
      DataSource dataSource, EventCodec codec, Clock clock, ReliabilitySchemaMigration schema) {
    return new DeadLetters(dataSource, codec, clock);
  }

  /**
   * A dead letter goes back to the consumer of its original topic, payload unchanged, in a span
   * linked to the trace in which it failed.
   */
  @Bean
  Redriver redriver(IdempotentConsumers consumers) {
    return letter ->
        consumers
            .consumerOf(letter.source().topic())
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "no consumer of " + letter.source().topic() + " in this service"))
            .redrive(letter.payload(), letter.traceContext());
  }

  @Bean
  RedriveJobs redriveJobs(
      DataSource dataSource,
      DeadLetters letters,
      Redriver redriver,
      Clock clock,
      DeadLetterProperties properties) {
    return new RedriveJobs(dataSource, letters, redriver, clock, properties.maxRedrive());
  }

  @Bean
  PeriodicTask redriveWork(RedriveJobs jobs, DeadLetterProperties properties) {
    return PeriodicTask.whileBusy(
        "redrive",
        properties.redriveTick(),
        properties.redriveIdleTick(),
        () -> jobs.workIfAny() ? 1 : 0);
  }

  @Bean
  @ConditionalOnProperty(
      name = "bulwark.dead-letters.collect",
      havingValue = "true",
      matchIfMissing = true)
  DeadLetterCollector deadLetterCollector(
      KafkaProperties kafka,
      DeadLetterProperties properties,
      DeadLetterTopics topics,
      IdempotentConsumers consumers,
      DeadLetters letters) {
    Map<String, Object> consumer = new HashMap<>(kafka.buildConsumerProperties());
    String group = String.valueOf(consumer.getOrDefault(ConsumerConfig.GROUP_ID_CONFIG, "bulwark"));
    consumer.put(ConsumerConfig.GROUP_ID_CONFIG, group + properties.collectorGroupSuffix());
    consumer.put(ConsumerConfig.CLIENT_ID_CONFIG, "bulwark-dead-letter-collector");
    consumer.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    consumer.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    return new DeadLetterCollector(
        consumer, () -> consumers.topics().stream().map(topics::of).toList(), letters);
  }
}
