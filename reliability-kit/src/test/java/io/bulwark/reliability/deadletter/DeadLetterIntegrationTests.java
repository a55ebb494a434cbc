package io.bulwark.reliability.deadletter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.bulwark.fixtures.kafka.TestKafka;
import io.bulwark.fixtures.postgres.TestPostgres;
import io.bulwark.reliability.event.EventCodec;
import io.bulwark.reliability.event.EventEnvelope;
import io.bulwark.reliability.inbox.IdempotentConsumer;
import io.bulwark.reliability.inbox.IdempotentConsumers;
import io.bulwark.reliability.operations.MessageTrail;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.json.JsonMapper;

/**
 * Dead letters as the kit keeps them, in a Spring Boot application with a real broker and a real
 * database: collected from the dead-letter topic into the table, redriven through the consumer that
 * failed (once in effect, however often), and discarded.
 */
@SpringBootTest(
    classes = DeadLetterIntegrationTests.Application.class,
    properties = {
      "bulwark.outbox.relay.enabled=false",
      "bulwark.consumer.max-retries=1",
      "bulwark.consumer.initial-interval=100ms",
      "bulwark.dead-letters.redrive-rate=200",
      "spring.kafka.listener.concurrency=1",
      "spring.kafka.consumer.group-id=dead-letter-tests"
    })
class DeadLetterIntegrationTests {

  static final String TOPIC = TestKafka.uniqueTopic("parcels");
  static final String DEAD_LETTERS = TOPIC + ".DLT";

  @DynamicPropertySource
  static void infrastructure(DynamicPropertyRegistry registry) {
    String url = TestPostgres.newDatabase("deadletters");
    JdbcClient.create(
            new org.springframework.jdbc.datasource.DriverManagerDataSource(url, "postgres", ""))
        .sql("CREATE TABLE effects (event_id uuid NOT NULL, aggregate text NOT NULL)")
        .update();
    TestKafka.createTopic(TOPIC, 1);
    TestKafka.createTopic(DEAD_LETTERS, 1);
    registry.add("spring.datasource.url", () -> url);
    registry.add("spring.datasource.username", () -> "postgres");
    registry.add("spring.kafka.bootstrap-servers", TestKafka::bootstrapServers);
    registry.add("test.topic", () -> TOPIC);
  }

  @Autowired JdbcClient jdbc;
  @Autowired DataSource dataSource;
  @Autowired EventCodec codec;
  @Autowired DeadLetters letters;
  @Autowired RedriveJobs jobs;
  @Autowired Broken broken;

  @Test
  void aRecordTheConsumerGaveUpOnIsStoredWithWhereItCameFromAndHowItFailed() {
    EventEnvelope event = envelope("stored-1", "corr-stored-1");
    broken.add("stored-1");
    Instant sent = Instant.now();

    TestKafka.send(TOPIC, "stored-1", codec.encode(event));

    DeadLetter letter = awaitDeadLetter(event.eventId());
    assertThat(letter.source().topic()).isEqualTo(TOPIC);
    assertThat(letter.source().partition()).isZero();
    assertThat(letter.source().offset()).isNotNull().isNotNegative();
    assertThat(letter.source().consumerGroup()).isEqualTo("dead-letter-tests");
    assertThat(letter.source().deadLetterTopic()).isEqualTo(DEAD_LETTERS);
    assertThat(letter.key()).isEqualTo("stored-1");
    assertThat(letter.eventType()).isEqualTo("ParcelShipped");
    assertThat(letter.correlationId()).isEqualTo("corr-stored-1");
    assertThat(letter.failure().exceptionClass()).isEqualTo(IllegalStateException.class.getName());
    assertThat(letter.failure().message()).startsWith("stored-1 is broken");
    assertThat(letter.attempts()).as("the first delivery and one retry").isEqualTo(2);
    assertThat(letter.failure().firstFailedAt())
        .isAfterOrEqualTo(sent.minusSeconds(1))
        .isBefore(letter.failure().lastFailedAt());
    assertThat(letter.payload()).isEqualTo(codec.encode(event));
    assertThat(letter.status()).isEqualTo(DeadLetter.Status.OPEN);
  }

  @Test
  void aRecordThatIsNoEventIsStoredWithItsBytesAndNoEventId() {
    byte[] poison = "{\"half\": an event".getBytes(StandardCharsets.UTF_8);

    TestKafka.send(TOPIC, "poison-1", poison);

    DeadLetter letter =
        await()
            .atMost(Duration.ofSeconds(60))
            .until(
                () ->
                    letters.list(DeadLetterQuery.all(200)).stream()
                        .filter(l -> "poison-1".equals(l.key()))
                        .findFirst(),
                Optional::isPresent)
            .orElseThrow();
    assertThat(letter.eventId()).isNull();
    assertThat(letter.eventType()).isNull();
    assertThat(letter.payload()).isEqualTo(poison);
    assertThat(letter.attempts()).as("malformed: never retried").isEqualTo(1);
    assertThat(letter.failure().exceptionClass()).endsWith("MalformedEventException");
  }

  @Test
  void aRedrivenRecordHasItsEffectOnceEvenWhenRedrivenTwice() {
    EventEnvelope event = envelope("redriven-1", "corr-redriven-1");
    broken.add("redriven-1");
    TestKafka.send(TOPIC, "redriven-1", codec.encode(event));
    DeadLetter letter = awaitDeadLetter(event.eventId());
    broken.remove("redriven-1");

    RedriveJob first = awaitDone(jobs.start(List.of(letter.id()), "test", 10, "tester"));
    RedriveJob second = awaitDone(jobs.start(List.of(letter.id()), "test", 10, "tester"));

    assertThat(first.outcomes()).containsEntry("APPLIED", 1);
    assertThat(second.outcomes())
        .as("the inbox knows the event id it kept")
        .containsEntry("DUPLICATE", 1);
    assertThat(effects(event.eventId())).isEqualTo(1);
    assertThat(letters.find(letter.id()).orElseThrow().status())
        .isEqualTo(DeadLetter.Status.REDRIVEN);
  }

  /** An operator following one aggregate finds its dead letter, how it failed and how it ended. */
  @Test
  void aRedrivenRecordIsOnItsKeysTrailWithItsFailureAndOutcome() {
    EventEnvelope event = envelope("trailed-1", "corr-trailed-1");
    broken.add("trailed-1");
    TestKafka.send(TOPIC, "trailed-1", codec.encode(event));
    DeadLetter letter = awaitDeadLetter(event.eventId());
    MessageTrail trail = new MessageTrail(dataSource);
    MessageTrail.DeadLettered open = trail.deadLettered("trailed-1").get(0);
    broken.remove("trailed-1");

    awaitDone(jobs.start(List.of(letter.id()), "test", 10, "tester"));

    assertThat(open.status()).isEqualTo("OPEN");
    assertThat(open.redrivenAt()).isNull();
    assertThat(trail.deadLettered("trailed-1"))
        .singleElement()
        .satisfies(
            redriven -> {
              assertThat(redriven.id()).isEqualTo(letter.id());
              assertThat(redriven.topic()).isEqualTo(TOPIC);
              assertThat(redriven.eventType()).isEqualTo("ParcelShipped");
              assertThat(redriven.eventId()).isEqualTo(event.eventId());
              assertThat(redriven.attempts()).isEqualTo(2);
              assertThat(redriven.error()).startsWith("trailed-1 is broken");
              assertThat(redriven.lastFailedAt()).isAfter(redriven.firstFailedAt());
              assertThat(redriven.status()).isEqualTo("REDRIVEN");
              assertThat(redriven.redriveOutcome()).isEqualTo("APPLIED");
              assertThat(redriven.redrivenAt()).isAfterOrEqualTo(redriven.lastFailedAt());
              assertThat(redriven.discardedAt()).isNull();
            });
    assertThat(trail.deadLettered("trailed-2")).as("another key's trail").isEmpty();
  }

  @Test
  void aRedriveOfARecordAlreadyAppliedHasNoSecondEffect() {
    EventEnvelope event = envelope("applied-1", "corr-applied-1");
    TestKafka.send(TOPIC, "applied-1", codec.encode(event));
    await().atMost(Duration.ofSeconds(60)).until(() -> effects(event.eventId()) == 1);
    // an earlier delivery of the same event had been given up on
    sendDeadLetter(event.eventId().toString(), "applied-1", codec.encode(event), "gave up");
    DeadLetter letter = awaitDeadLetter(event.eventId());

    RedriveJob job = awaitDone(jobs.start(List.of(letter.id()), "test", 10, "tester"));

    assertThat(job.outcomes()).containsEntry("DUPLICATE", 1);
    assertThat(effects(event.eventId())).isEqualTo(1);
  }

  @Test
  void aRedriveThatFailsAgainKeepsTheRecordOpenWithItsNewFailure() {
    EventEnvelope event = envelope("still-1", null);
    broken.add("still-1");
    TestKafka.send(TOPIC, "still-1", codec.encode(event));
    DeadLetter letter = awaitDeadLetter(event.eventId());

    RedriveJob job = awaitDone(jobs.start(List.of(letter.id()), "test", 10, "tester"));

    assertThat(job.outcomes()).containsEntry("FAILED", 1);
    assertThat(jobs.items(job.id(), 0, 10))
        .singleElement()
        .satisfies(item -> assertThat(item.detail()).contains("still-1 is broken"));
    DeadLetter after = letters.find(letter.id()).orElseThrow();
    assertThat(after.status()).isEqualTo(DeadLetter.Status.OPEN);
    assertThat(after.attempts()).isEqualTo(letter.attempts() + 1);
    assertThat(after.failure().lastFailedAt()).isAfter(letter.failure().lastFailedAt());
    assertThat(effects(event.eventId())).isZero();
  }

  @Test
  void aThousandRecordsAreRedrivenByFilterAtTheSetRateEachOnceWithProgress() throws Exception {
    String marker = "bulk-" + UUID.randomUUID();
    List<EventEnvelope> events = new ArrayList<>();
    try (KafkaProducer<String, byte[]> producer = producer()) {
      for (int i = 0; i < 1000; i++) {
        EventEnvelope event = envelope(marker + "-" + i, "corr-" + marker);
        events.add(event);
        producer.send(deadLetter(event.aggregateId(), codec.encode(event), marker));
      }
      producer.flush();
    }
    DeadLetterQuery query =
        new DeadLetterQuery(DeadLetter.Status.OPEN, TOPIC, null, marker, null, null, 0, 1);
    await().atMost(Duration.ofSeconds(60)).until(() -> letters.ids(query, 2000).size() == 1000);

    RedriveJob started = jobs.start(letters.ids(query, 2000), "filter " + marker, 200, "tester");
    List<Integer> progress = new ArrayList<>();
    RedriveJob done =
        await()
            .atMost(Duration.ofSeconds(90))
            .pollInterval(Duration.ofMillis(250))
            .until(
                () -> {
                  RedriveJob now = jobs.find(started.id()).orElseThrow();
                  progress.add(now.done());
                  return now;
                },
                job -> job.status() == RedriveJob.Status.DONE);

    assertThat(done.outcomes()).containsEntry("APPLIED", 1000).containsEntry("PENDING", 0);
    assertThat(progress).as("progress was visible on the way").anyMatch(n -> n > 0 && n < 1000);
    Duration took = Duration.between(done.requestedAt(), done.finishedAt());
    // 200 a second with at most a second's burst: no faster than (1000 - 200) / 200 s
    assertThat(took).isGreaterThanOrEqualTo(Duration.ofSeconds(4));
    System.out.printf(
        "redrive of 1000 dead letters at 200/s took %d ms: %.0f records/s%n",
        took.toMillis(), 1000 / (took.toMillis() / 1000.0));
    assertThat(
            jdbc.sql(
                    "SELECT count(*) FROM effects WHERE aggregate LIKE ? GROUP BY event_id"
                        + " HAVING count(*) <> 1")
                .param(marker + "-%")
                .query(Long.class)
                .list())
        .as("no event applied twice")
        .isEmpty();
    assertThat(
            jdbc.sql("SELECT count(DISTINCT event_id) FROM effects WHERE aggregate LIKE ?")
                .param(marker + "-%")
                .query(Long.class)
                .single())
        .isEqualTo(1000);
  }

  @Test
  void aDiscardedRecordKeepsWhoDiscardedItAndWhyAndIsNeverRedriven() {
    EventEnvelope event = envelope("discarded-1", null);
    broken.add("discarded-1");
    TestKafka.send(TOPIC, "discarded-1", codec.encode(event));
    DeadLetter letter = awaitDeadLetter(event.eventId());

    assertThat(letters.discard(letter.id(), "a test order, not real", "tester"))
        .isEqualTo(DeadLetters.Discarded.DISCARDED);

    DeadLetter after = letters.find(letter.id()).orElseThrow();
    assertThat(after.status()).isEqualTo(DeadLetter.Status.DISCARDED);
    assertThat(after.resolution()).isNotNull();
    assertThat(after.resolution().by()).isEqualTo("tester");
    assertThat(after.resolution().reason()).isEqualTo("a test order, not real");
    assertThat(letters.discard(letter.id(), "again", "tester"))
        .isEqualTo(DeadLetters.Discarded.ALREADY_DISCARDED);
    assertThatThrownBy(() -> jobs.start(List.of(letter.id()), "test", 10, "tester"))
        .isInstanceOfSatisfying(
            RedriveRefusedException.class,
            e -> assertThat(e.reason()).isEqualTo(RedriveRefusedException.Reason.DISCARDED));
    assertThatThrownBy(() -> jobs.start(List.of(Long.MAX_VALUE), "test", 10, "tester"))
        .isInstanceOfSatisfying(
            RedriveRefusedException.class,
            e -> assertThat(e.reason()).isEqualTo(RedriveRefusedException.Reason.UNKNOWN));
    assertThat(effects(event.eventId())).isZero();
  }

  @Test
  void readingTheSameDeadLetterTwiceStoresItOnceAndALaterOneAddsToItsRow() {
    EventEnvelope event = envelope("twice-1", null);
    byte[] payload = codec.encode(event);
    ConsumerRecord<String, byte[]> first = captured(100_000, payload, "1");
    ConsumerRecord<String, byte[]> again = captured(100_001, payload, "3");

    letters.capture(first);
    letters.capture(first);
    DeadLetter once = awaitDeadLetter(event.eventId());
    letters.capture(again);
    letters.capture(first);

    DeadLetter twice = letters.find(once.id()).orElseThrow();
    assertThat(once.attempts()).isEqualTo(1);
    assertThat(twice.timesDeadLettered()).isEqualTo(2);
    assertThat(twice.attempts()).isEqualTo(4);
    assertThat(twice.source().deadLetterOffset()).isEqualTo(100_001);
    assertThat(
            jdbc.sql("SELECT count(*) FROM bulwark.dead_letter WHERE event_id = ?")
                .param(event.eventId())
                .query(Long.class)
                .single())
        .isEqualTo(1);
  }

  private DeadLetter awaitDeadLetter(UUID eventId) {
    return await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                letters.list(DeadLetterQuery.all(200).after(0)).stream()
                    .filter(l -> eventId.equals(l.eventId()))
                    .findFirst()
                    .or(() -> findBeyondFirstPage(eventId)),
            Optional::isPresent)
        .orElseThrow();
  }

  private Optional<DeadLetter> findBeyondFirstPage(UUID eventId) {
    Long id =
        jdbc.sql("SELECT id FROM bulwark.dead_letter WHERE event_id = ?")
            .param(eventId)
            .query(Long.class)
            .optional()
            .orElse(null);
    return id == null ? Optional.empty() : letters.find(id);
  }

  private RedriveJob awaitDone(RedriveJob job) {
    return await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> jobs.find(job.id()).orElseThrow(), j -> j.status() == RedriveJob.Status.DONE);
  }

  private long effects(UUID eventId) {
    return jdbc.sql("SELECT count(*) FROM effects WHERE event_id = ?")
        .param(eventId)
        .query(Long.class)
        .single();
  }

  private static EventEnvelope envelope(String aggregate, String correlationId) {
    return new EventEnvelope(
        UUID.randomUUID(),
        "ParcelShipped",
        1,
        "Parcel",
        aggregate,
        Instant.now(),
        JsonMapper.shared().valueToTree(Map.of("weight", 3)),
        correlationId);
  }

  /** A dead-letter record as the kit's error handler writes one. */
  private static ProducerRecord<String, byte[]> deadLetter(
      String key, byte[] payload, String message) {
    ProducerRecord<String, byte[]> record = new ProducerRecord<>(DEAD_LETTERS, key, payload);
    record.headers().add("kafka_dlt-original-topic", TOPIC.getBytes(StandardCharsets.UTF_8));
    record.headers().add("kafka_dlt-original-partition", ByteBuffer.allocate(4).putInt(0).array());
    record.headers().add("kafka_dlt-original-offset", ByteBuffer.allocate(8).putLong(7).array());
    record.headers().add("kafka_dlt-exception-fqcn", "java.lang.IllegalStateException".getBytes());
    record.headers().add("kafka_dlt-exception-message", message.getBytes(StandardCharsets.UTF_8));
    record.headers().add(DeadLetterHeaders.ATTEMPTS, "2".getBytes(StandardCharsets.UTF_8));
    return record;
  }

  private static void sendDeadLetter(String id, String key, byte[] payload, String message) {
    try (KafkaProducer<String, byte[]> producer = producer()) {
      producer.send(deadLetter(key, payload, message + " " + id)).get();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static KafkaProducer<String, byte[]> producer() {
    return new KafkaProducer<>(
        Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers()),
        new StringSerializer(),
        new ByteArraySerializer());
  }

  private static ConsumerRecord<String, byte[]> captured(
      long offset, byte[] payload, String attempts) {
    RecordHeaders headers = new RecordHeaders();
    deadLetter("twice-1", payload, "twice").headers().forEach(headers::add);
    headers.remove(DeadLetterHeaders.ATTEMPTS);
    headers.add(DeadLetterHeaders.ATTEMPTS, attempts.getBytes(StandardCharsets.UTF_8));
    return new ConsumerRecord<>(
        DEAD_LETTERS,
        0,
        offset,
        System.currentTimeMillis(),
        TimestampType.CREATE_TIME,
        -1,
        -1,
        "twice-1",
        payload,
        headers,
        Optional.empty());
  }

  /** Aggregates whose handler fails, as a bug would, until the test fixes it. */
  static final class Broken {
    private final Set<String> aggregates = ConcurrentHashMap.newKeySet();

    void add(String aggregate) {
      aggregates.add(aggregate);
    }

    void remove(String aggregate) {
      aggregates.remove(aggregate);
    }

    boolean contains(String aggregate) {
      return aggregates.contains(aggregate);
    }
  }

  record Parcel(int weight) {}

  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class Application {

    @Bean
    Broken broken() {
      return new Broken();
    }

    @Bean
    IdempotentConsumer parcelsConsumer(
        IdempotentConsumers consumers, JdbcClient jdbc, Broken broken) {
      return consumers.create(
          "parcels",
          TOPIC,
          consumers
              .routes()
              .on(
                  "ParcelShipped",
                  1,
                  Parcel.class,
                  (parcel, envelope) -> {
                    if (broken.contains(envelope.aggregateId())) {
                      throw new IllegalStateException(envelope.aggregateId() + " is broken");
                    }
                    jdbc.sql("INSERT INTO effects (event_id, aggregate) VALUES (?, ?)")
                        .params(envelope.eventId(), envelope.aggregateId())
                        .update();
                  })
              .build());
    }

    @Bean
    ParcelsListener parcelsListener(IdempotentConsumer parcelsConsumer) {
      return new ParcelsListener(parcelsConsumer);
    }
  }

  static class ParcelsListener {
    private final IdempotentConsumer consumer;

    ParcelsListener(IdempotentConsumer consumer) {
      this.consumer = consumer;
    }

    @KafkaListener(topics = "${test.topic}")
    void on(ConsumerRecord<String, byte[]> record) {
      consumer.accept(record.value());
    }
  }
}
