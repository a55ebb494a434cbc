package io.bulwark.reliability.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bulwark.fixtures.kafka.TestKafka;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;

/**
 * The publisher on a real broker, where a send fails: one aggregate's events must never reach the
 * broker out of order, so nothing sent after a failed event may land before the relay's next
 * attempt sends that event again. (Sends left pending by a batch that timed out, with every broker
 * gone, are what {@code KafkaBrokerLossSystemTests} checks, on brokers it can kill.)
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
