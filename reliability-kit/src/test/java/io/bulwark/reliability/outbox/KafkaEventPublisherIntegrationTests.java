package io.bulwark.reliability.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bulwark.fixtures.kafka.TestKafka;
import io.bulwark.harness.Await;
import io.bulwark.reliability.tracing.EventTracing;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * The publisher on a real broker, where a send fails: a send refused at once holds back the rest of
 * its batch; a batch the broker does not acknowledge in time keeps its producer, whose pending
 * sends land in order ahead of the next batch's; any other failure, or a third timeout in a row,
 * replaces the producer. A topic that asks for more replicas in sync than the test's one broker has
 * is a broker that takes sends and acknowledges none, until the topic asks for fewer. (Brokers
 * killed and cut off are what {@code KafkaBrokerLossSystemTests} checks, on brokers it can kill.)
 */
class KafkaEventPublisherIntegrationTests {

  private static final String KEY = "aggregate-1";

  @Test
  void anEventRefusedAtOnceHoldsBackTheLaterEventsOfItsBatch() {
    String topic = TestKafka.uniqueTopic("publisher-refused");
    TestKafka.createTopic(topic, 1);
    OutboxMessage first = message(topic, 1, "{}");
    // larger than a producer sends (max.request.size, 1 MB): refused before it leaves
    OutboxMessage tooLarge = message(topic, 2, "x".repeat(2_000_000));
    OutboxMessage after = message(topic, 3, "{}");

    try (KafkaEventPublisher publisher = publisher(Duration.ofSeconds(10))) {
      assertThatThrownBy(() -> publisher.publish(List.of(first, tooLarge, after)))
          .isInstanceOf(PublishException.class)
          .hasMessageContaining(tooLarge.eventId().toString())
          .hasRootCauseInstanceOf(org.apache.kafka.common.errors.RecordTooLargeException.class);
    }

    List<String> landed = eventIds(TestKafka.readUntil(topic, r -> false, Duration.ofSeconds(3)));
    assertThat(landed)
        .as("what landed is a prefix of the batch, ending before the refused event")
        .isSubsetOf(first.eventId().toString());
  }

  @Test
  void aBatchThatRunsOutOfTimeKeepsItsProducerForTheNextBatch() {
    String topic = existingTopic();
    AtomicInteger producers = new AtomicInteger();

    try (KafkaEventPublisher publisher = impatientPublisher(producers)) {
      assertThatThrownBy(() -> publisher.publish(List.of(message(topic, 1, "{}"))))
          .isInstanceOf(PublishException.class)
          .hasRootCauseInstanceOf(org.apache.kafka.common.errors.TimeoutException.class);

      Await.until(() -> publishes(publisher, message(topic, 2, "{}")))
          .every(Duration.ofMillis(500))
          .within(Duration.ofSeconds(10));
      assertThat(producers)
          .as("the producer that ran out of time, having learned where the topic lives, sent it")
          .hasValue(1);
    }
  }

  @Test
  void aThirdTimeoutInARowOrARefusalReplacesTheProducer() {
    AtomicInteger producers = new AtomicInteger();

    try (KafkaEventPublisher publisher = impatientPublisher(producers)) {
      for (int attempt = 1; attempt <= KafkaEventPublisher.TIMEOUTS_BEFORE_REPLACING; attempt++) {
        OutboxMessage unknownYet = message(existingTopic(), attempt, "{}");
        assertThatThrownBy(() -> publisher.publish(List.of(unknownYet)))
            .hasRootCauseInstanceOf(org.apache.kafka.common.errors.TimeoutException.class);
        assertThat(producers).as("kept through timeout %d", attempt).hasValue(1);
      }
      String topic = existingTopic();
      assertThatThrownBy(() -> publisher.publish(List.of(message(topic, 4, "{}"))))
          .isInstanceOf(PublishException.class);
      assertThat(producers).as("a fresh producer after the third timeout in a row").hasValue(2);

      Await.until(() -> publishes(publisher, message(topic, 5, "{}")))
          .every(Duration.ofMillis(500))
          .within(Duration.ofSeconds(10));
      assertThatThrownBy(() -> publisher.publish(List.of(message(topic, 6, "x".repeat(2_000_000)))))
          .hasRootCauseInstanceOf(org.apache.kafka.common.errors.RecordTooLargeException.class);
      Await.until(() -> publishes(publisher, message(topic, 7, "{}")))
          .every(Duration.ofMillis(500))
          .within(Duration.ofSeconds(10));
      assertThat(producers).as("another one after the refusal").hasValue(3);
    }
  }

  private static String existingTopic() {
    String topic = TestKafka.uniqueTopic("publisher-timeouts");
    TestKafka.createTopic(topic, 1);
    return topic;
  }

  private static boolean publishes(KafkaEventPublisher publisher, OutboxMessage message) {
    try {
      publisher.publish(List.of(message));
      return true;
    } catch (PublishException notYet) {
      return false;
    }
  }

  /**
   * A publisher whose producer waits at most a millisecond for a topic's metadata (a fresh producer
   * has none, so its first send to a topic runs out of time), counting the producers it makes.
   */
  private static KafkaEventPublisher impatientPublisher(AtomicInteger producers) {
    Map<String, Object> settings =
        KafkaEventPublisher.settings(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                TestKafka.bootstrapServers(),
                ProducerConfig.MAX_BLOCK_MS_CONFIG,
                1),
            Duration.ofSeconds(10));
    return new KafkaEventPublisher(
        () -> {
          producers.incrementAndGet();
          return new KafkaProducer<>(settings, new StringSerializer(), new ByteArraySerializer());
        },
        Duration.ofSeconds(10),
        EventTracing.NONE,
        Clock.systemUTC());
  }

  private static KafkaEventPublisher publisher(Duration timeout) {
    return KafkaEventPublisher.create(
        Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers()), timeout);
  }

  private static OutboxMessage message(String topic, long position, String body) {
    return new OutboxMessage(
        position,
        UUID.randomUUID(),
        topic,
        KEY,
        "ThingHappened",
        body.getBytes(StandardCharsets.UTF_8),
        null,
        Instant.now(),
        Map.of());
  }

  private static List<String> eventIds(List<ConsumerRecord<String, byte[]>> records) {
    return records.stream()
        .map(
            record ->
                new String(
                    record.headers().lastHeader(KafkaEventPublisher.EVENT_ID_HEADER).value(),
                    StandardCharsets.UTF_8))
        .toList();
  }
}
