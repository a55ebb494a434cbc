package io.bulwark.reliability.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.bulwark.fixtures.kafka.TestKafka;
import io.bulwark.fixtures.postgres.TestPostgres;
import io.bulwark.reliability.deadletter.DeadLetterHeaders;
import io.bulwark.reliability.event.EventCodec;
import io.bulwark.reliability.event.EventEnvelope;
import io.bulwark.reliability.event.MalformedEventException;
import io.bulwark.reliability.inbox.IdempotentConsumer;
import io.bulwark.reliability.inbox.IdempotentConsumers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.json.JsonMapper;

/**
 * A Kafka listener built from the kit, in a Spring Boot application, against a real broker and a
 * real database: what happens to poison, failing and duplicated records.
 */
@SpringBootTest(
    classes = ConsumerFailureIntegrationTests.ListenerApplication.class,
    properties = {
      "bulwark.outbox.relay.enabled=false",
      "bulwark.consumer.max-retries=3",
      "bulwark.consumer.initial-interval=200ms",
      "bulwark.consumer.multiplier=2.0",
      "spring.kafka.listener.concurrency=1",
      "spring.kafka.consumer.group-id=kit-tests"
    })
class ConsumerFailureIntegrationTests {

  static final String TOPIC = TestKafka.uniqueTopic("things");
  static final String DEAD_LETTERS = TOPIC + ".DLT";

  @DynamicPropertySource
  static void infrastructure(DynamicPropertyRegistry registry) {
    String url = TestPostgres.newDatabase("consumer");
    JdbcClient.create(
            new org.springframework.jdbc.datasource.DriverManagerDataSource(url, "postgres", ""))
        .sql(
            "CREATE TABLE effects (event_id uuid PRIMARY KEY, aggregate text NOT NULL,"
                + " seq integer NOT NULL)")
        .update();
    TestKafka.createTopic(TOPIC, 1);
    TestKafka.createTopic(DEAD_LETTERS, 1);
    registry.add("spring.datasource.url", () -> url);
    registry.add("spring.datasource.username", () -> "postgres");
    registry.add("spring.kafka.bootstrap-servers", TestKafka::bootstrapServers);
    registry.add("test.topic", () -> TOPIC);
  }

  @Autowired JdbcClient jdbc;
  @Autowired EventCodec codec;
  @Autowired Attempts attempts;
  @Autowired KafkaListenerEndpointRegistry listeners;

  @Test
  void aPoisonRecordIsDeadLetteredAtOnceAndLaterRecordsOnItsPartitionAreProcessed() {
    byte[] poison = "{not json at all".getBytes(StandardCharsets.UTF_8);
    TestKafka.send(TOPIC, "p-1", poison);
    EventEnvelope after = envelope("p-1", 0, 0);
    TestKafka.send(TOPIC, "p-1", codec.encode(after));

    await().atMost(Duration.ofSeconds(60)).until(() -> effectApplied(after.eventId()));
    List<ConsumerRecord<String, byte[]>> dead =
        TestKafka.readUntil(
            DEAD_LETTERS,
            records -> records.stream().anyMatch(r -> "p-1".equals(r.key())),
            Duration.ofSeconds(30));

    ConsumerRecord<String, byte[]> deadLetter =
        dead.stream().filter(r -> "p-1".equals(r.key())).findFirst().orElseThrow();
    assertThat(deadLetter.value()).as("the original bytes, unchanged").isEqualTo(poison);
    assertThat(header(deadLetter, "kafka_dlt-exception-cause-fqcn"))
        .isEqualTo(MalformedEventException.class.getName());
    assertThat(attempts.poisonDeliveries("p-1")).as("not retried").isEqualTo(1);
  }

  @Test
  void aHandlerThatKeepsFailingIsRetriedWithBackoffThenDeadLetteredAndNothingIsLost() {
    EventEnvelope failing = envelope("f-1", 0, 1000);
    EventEnvelope next = envelope("f-1", 1, 0);
    TestKafka.send(TOPIC, "f-1", codec.encode(failing));
    TestKafka.send(TOPIC, "f-1", codec.encode(next));

    await().atMost(Duration.ofSeconds(60)).until(() -> effectApplied(next.eventId()));
    List<ConsumerRecord<String, byte[]>> dead =
        TestKafka.readUntil(
            DEAD_LETTERS,
            records -> records.stream().anyMatch(r -> "f-1".equals(r.key())),
            Duration.ofSeconds(30));

    List<Instant> tries = attempts.of(failing.eventId());
    assertThat(tries).as("the first attempt and three retries").hasSize(4);
    List<Long> gaps = new ArrayList<>();
    for (int i = 1; i < tries.size(); i++) {
      gaps.add(Duration.between(tries.get(i - 1), tries.get(i)).toMillis());
    }
    assertThat(gaps.get(0)).as("waits at least the initial interval").isGreaterThanOrEqualTo(190);
    assertThat(gaps.get(2))
        .as("the backoff grows: the third wait is at least twice the first interval")
        .isGreaterThanOrEqualTo(2 * 190);
    ConsumerRecord<String, byte[]> deadLetter =
        dead.stream().filter(r -> "f-1".equals(r.key())).findFirst().orElseThrow();
    assertThat(codec.decode(deadLetter.value()).eventId())
        .as("the failed event is kept in the dead-letter topic")
        .isEqualTo(failing.eventId());
    assertThat(effectApplied(failing.eventId()))
        .as("its failed attempts left no effect behind")
        .isFalse();
  }

  /**
   * An error the database raised that will not pass by itself (a trigger's or a check's): retried,
   * then dead-lettered saying what the database said, not Spring's wrapper that restates the SQL.
   */
  @Test
  void aDatabaseErrorIsDeadLetteredInTheDatabasesOwnWords() {
    EventEnvelope refused = envelope("r-1", 0, 1000, "P0001");

    TestKafka.send(TOPIC, "r-1", codec.encode(refused));

    ConsumerRecord<String, byte[]> deadLetter =
        TestKafka.readUntil(
                DEAD_LETTERS,
                records -> records.stream().anyMatch(r -> "r-1".equals(r.key())),
                Duration.ofSeconds(60))
            .stream()
            .filter(r -> "r-1".equals(r.key()))
            .findFirst()
            .orElseThrow();
    assertThat(attempts.of(refused.eventId())).as("the first attempt and three retries").hasSize(4);
    assertThat(header(deadLetter, "kafka_dlt-exception-message"))
        .as("Spring's own header: its wrapper, restating the statement")
        .contains("DO $$");
    assertThat(header(deadLetter, DeadLetterHeaders.FAILURE_CLASS))
        .isEqualTo("org.postgresql.util.PSQLException");
    assertThat(header(deadLetter, DeadLetterHeaders.FAILURE_MESSAGE))
        .startsWith("ERROR: attempt 4")
        .doesNotContain("DO $$");
  }

  @Test
  void aTransientFailureIsRetriedAndTheEffectIsAppliedOnce() {
    EventEnvelope flaky = envelope("t-1", 0, 2);
    TestKafka.send(TOPIC, "t-1", codec.encode(flaky));

    await().atMost(Duration.ofSeconds(60)).until(() -> effectApplied(flaky.eventId()));

    assertThat(attempts.of(flaky.eventId())).hasSize(3);
    assertThat(effectRows(flaky.eventId())).isEqualTo(1);
  }

  @Test
  void aDatabaseOutageIsWaitedOutBeyondTheRetryLimitAndNeverDeadLettered() {
    EventEnvelope duringFailover = envelope("o-1", 0, 6, "08006");

    TestKafka.send(TOPIC, "o-1", codec.encode(duringFailover));

    await().atMost(Duration.ofSeconds(60)).until(() -> effectApplied(duringFailover.eventId()));
    assertThat(attempts.of(duringFailover.eventId()))
        .as("six connection failures, more than the three retries allowed, then success")
        .hasSize(7);
    assertThat(effectRows(duringFailover.eventId())).isEqualTo(1);
    assertThat(
            TestKafka.readUntil(
                DEAD_LETTERS,
                records -> records.stream().anyMatch(r -> "o-1".equals(r.key())),
                Duration.ofSeconds(2)))
        .noneMatch(r -> "o-1".equals(r.key()));
  }

  @ParameterizedTest(name = "SQLSTATE {0}")
  @ValueSource(strings = {"53300", "40001", "40P01", "57014", "55P03"})
  void aPassingDatabaseFailureIsWaitedOutBeyondTheRetryLimitAndNeverDeadLettered(String sqlState) {
    // too many connections, serialization failure, deadlock, statement timeout, lock timeout
    String aggregate = "busy-" + sqlState;
    EventEnvelope whileBusy = envelope(aggregate, 0, 5, sqlState);

    TestKafka.send(TOPIC, aggregate, codec.encode(whileBusy));

    await().atMost(Duration.ofSeconds(60)).until(() -> effectApplied(whileBusy.eventId()));
    assertThat(attempts.of(whileBusy.eventId()))
        .as("five failures, more than the three retries allowed, then success")
        .hasSize(6);
    assertThat(effectRows(whileBusy.eventId())).isEqualTo(1);
    assertThat(
            TestKafka.readUntil(
                DEAD_LETTERS,
                records -> records.stream().anyMatch(r -> aggregate.equals(r.key())),
                Duration.ofSeconds(2)))
        .noneMatch(r -> aggregate.equals(r.key()));
  }

  @Test
  void theSameEventDeliveredTwiceIsAppliedOnce() {
    EventEnvelope event = envelope("d-1", 0, 0);
    EventEnvelope marker = envelope("d-1", 1, 0);
    TestKafka.send(TOPIC, "d-1", codec.encode(event));
    TestKafka.send(TOPIC, "d-1", codec.encode(event));
    TestKafka.send(TOPIC, "d-1", codec.encode(marker));

    await().atMost(Duration.ofSeconds(60)).until(() -> effectApplied(marker.eventId()));

    assertThat(attempts.of(event.eventId()))
        .as("the handler ran for the first delivery only")
        .hasSize(1);
    assertThat(effectRows(event.eventId())).isEqualTo(1);
  }

  @Test
  void offsetsAreCommittedAboutOnceASecondNotOncePerRecordAndCatchUpWithWhatWasProcessed()
      throws InterruptedException {
    double commitsBefore = commits();
    long started = System.nanoTime();
    List<EventEnvelope> events = new ArrayList<>();
    for (int seq = 0; seq < 40; seq++) {
      EventEnvelope event = envelope("c-1", seq, 0);
      events.add(event);
      TestKafka.send(TOPIC, "c-1", codec.encode(event));
      // one record per poll, as at an order platform's usual rates
      Thread.sleep(20);
    }

    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> effectApplied(events.get(events.size() - 1).eventId()));
    TestKafka.awaitConsumed("kit-tests", TOPIC, Duration.ofSeconds(30));
    double seconds = (System.nanoTime() - started) / 1e9;

    assertThat(events).allMatch(event -> effectApplied(event.eventId()));
    assertThat(commits() - commitsBefore)
        .as("commits over %.1f s for %d records", seconds, events.size())
        .isBetween(1.0, Math.ceil(seconds) + 2);
  }

  /** The commits the listener's consumers have sent to the group's coordinator. */
  private double commits() {
    return listeners.getListenerContainers().stream()
        .flatMap(container -> container.metrics().values().stream())
        .flatMap(metrics -> metrics.entrySet().stream())
        .filter(
            metric ->
                metric.getKey().name().equals("commit-total")
                    && metric.getKey().group().equals("consumer-coordinator-metrics"))
        .mapToDouble(metric -> ((Number) metric.getValue().metricValue()).doubleValue())
        .sum();
  }

  private EventEnvelope envelope(String aggregate, int seq, int failTimes) {
    return envelope(aggregate, seq, failTimes, "");
  }

  /** An event whose handler fails {@code failTimes} times with a database error in that state. */
  private EventEnvelope envelope(String aggregate, int seq, int failTimes, String sqlState) {
    return new EventEnvelope(
        UUID.randomUUID(),
        "ThingHappened",
        1,
        "Thing",
        aggregate,
        Instant.now(),
        JsonMapper.shared()
            .valueToTree(Map.of("seq", seq, "failTimes", failTimes, "failWith", sqlState)));
  }

  private boolean effectApplied(UUID eventId) {
    return effectRows(eventId) > 0;
  }

  private long effectRows(UUID eventId) {
    return jdbc.sql("SELECT count(*) FROM effects WHERE event_id = ?")
        .param(eventId)
        .query(Long.class)
        .single();
  }

  private static String header(ConsumerRecord<String, byte[]> record, String name) {
    Header header = record.headers().lastHeader(name);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }

  /**
   * The payload: its position, how many times its handler should fail before succeeding, and with
   * what: a database error in this SQLSTATE, or (empty) an application error.
   */
  record Thing(int seq, int failTimes, String failWith) {}

  /** When the handler was invoked for each event, and how often undecodable keys arrived. */
  static final class Attempts {
    private final Map<UUID, List<Instant>> byEvent = new ConcurrentHashMap<>();
    private final Map<String, Integer> poison = new ConcurrentHashMap<>();

    int record(UUID eventId) {
      List<Instant> list = byEvent.computeIfAbsent(eventId, id -> new CopyOnWriteArrayList<>());
      list.add(Instant.now());
      return list.size();
    }

    List<Instant> of(UUID eventId) {
      return byEvent.getOrDefault(eventId, List.of());
    }

    void poisonDelivered(String key) {
      poison.merge(key, 1, Integer::sum);
    }

    int poisonDeliveries(String key) {
      return poison.getOrDefault(key, 0);
    }
  }

  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class ListenerApplication {

    @Bean
    Attempts attempts() {
      return new Attempts();
    }

    @Bean
    IdempotentConsumer thingsConsumer(
        IdempotentConsumers consumers, JdbcClient jdbc, Attempts attempts) {
      return consumers.create(
          "things",
          TOPIC,
          consumers
              .routes()
              .on(
                  "ThingHappened",
                  1,
                  Thing.class,
                  (thing, envelope) -> {
                    int attempt = attempts.record(envelope.eventId());
                    jdbc.sql("INSERT INTO effects (event_id, aggregate, seq) VALUES (?, ?, ?)")
                        .params(envelope.eventId(), envelope.aggregateId(), thing.seq())
                        .update();
                    if (attempt <= thing.failTimes()) {
                      if (thing.failWith().startsWith("08")) {
                        // a lost connection has no server to raise it: the driver's own error
                        throw new IllegalStateException(
                            new java.sql.SQLException(
                                "connection lost, attempt " + attempt, thing.failWith()));
                      }
                      if (!thing.failWith().isEmpty()) {
                        // the real server raising the real error: the driver's exception type
                        jdbc.sql(
                                "DO $$ BEGIN RAISE EXCEPTION 'attempt %s' USING ERRCODE = '%s'; END $$"
                                    .formatted(attempt, thing.failWith()))
                            .update();
                      }
                      throw new IllegalStateException("failing on purpose, attempt " + attempt);
                    }
                  })
              .build());
    }

    @Bean
    ThingsListener thingsListener(IdempotentConsumer thingsConsumer, Attempts attempts) {
      return new ThingsListener(thingsConsumer, attempts);
    }
  }

  static class ThingsListener {
    private final IdempotentConsumer consumer;
    private final Attempts attempts;

    ThingsListener(IdempotentConsumer consumer, Attempts attempts) {
      this.consumer = consumer;
      this.attempts = attempts;
    }

    @KafkaListener(topics = "${test.topic}")
    void on(ConsumerRecord<String, byte[]> record) {
      try {
        consumer.accept(record.value());
      } catch (MalformedEventException e) {
        attempts.poisonDelivered(record.key());
        throw e;
      }
    }
  }
}
