package io.bulwark.reliability.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bulwark.fixtures.kafka.TestKafka;
import io.bulwark.reliability.KitFixture;
import io.bulwark.reliability.event.EventEnvelope;
import io.bulwark.reliability.inbox.EventRouter;
import io.bulwark.reliability.inbox.IdempotentConsumer;
import io.bulwark.reliability.inbox.IdempotentConsumer.Outcome;
import io.bulwark.reliability.inbox.PostgresInbox;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.datasource.TransactionAwareDataSourceProxy;

class OutboxRelayIntegrationTests {

  private static final int SHARDS = 8;

  private KitFixture kit;
  private String topic;

  @BeforeEach
  void setUp() {
    kit = new KitFixture(SHARDS);
    topic = TestKafka.uniqueTopic("outbox");
    TestKafka.createTopic(topic, 3);
  }

  @Test
  void publishesCommittedEventsAndMarksThemPublished() throws SQLException {
    kit.append(topic, "a-1", 0);
    kit.append(topic, "a-2", 0);

    try (OutboxRelay relay = relay(new PostgresOutboxStore(), Duration.ofSeconds(1))) {
      assertThat(relay.drainOnce()).isEqualTo(2);
    }

    List<ConsumerRecord<String, byte[]>> records = TestKafka.read(topic, 2, Duration.ofSeconds(30));
    assertThat(records).extracting(ConsumerRecord::key).containsExactlyInAnyOrder("a-1", "a-2");
    EventEnvelope envelope = kit.codec.decode(records.get(0).value());
    assertThat(envelope.type()).isEqualTo("ThingHappened");
    assertThat(envelope.schemaVersion()).isEqualTo(1);
    assertThat(envelope.aggregateType()).isEqualTo("Thing");
    assertThat(kit.unpublished()).isZero();
  }

  @Test
  void appendOutsideATransactionIsRefused() {
    assertThatThrownBy(
            () -> kit.outbox.append(new OutboxEvent(topic, "Thing", "a", "T", 1, Map.of())))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("transaction");
    assertThat(kit.unpublished()).isZero();
  }

  @Test
  void anEventIsNotPublishedWhenItsTransactionRollsBack() throws SQLException {
    try {
      kit.transactions.executeWithoutResult(
          status -> {
            kit.outbox.append(
                new OutboxEvent(topic, "Thing", "a", "ThingHappened", 1, new KitFixture.Thing(0)));
            throw new IllegalStateException("business rule failed after the append");
          });
    } catch (IllegalStateException expected) {
      // the business transaction failed
    }
    try (OutboxRelay relay = relay(new PostgresOutboxStore(), Duration.ofSeconds(1))) {
      assertThat(relay.drainOnce()).isZero();
    }
    assertThat(kit.jdbc.sql("SELECT count(*) FROM bulwark.outbox").query(Long.class).single())
        .isZero();
  }

  @Test
  void relayThatDiesAfterSendingBeforeMarkingSendsAgainAndTheConsumerAppliesOnce()
      throws SQLException {
    // three aggregates of one shard, so that one batch carries the three events
    int shard = 0;
    List<String> aggregates =
        List.of(
            keyInShard(shard, "first"), keyInShard(shard, "second"), keyInShard(shard, "third"));
    for (int seq = 0; seq < 3; seq++) {
      kit.append(topic, aggregates.get(seq), seq);
    }

    OutboxStore diesBeforeMarking =
        new DelegatingStore(new PostgresOutboxStore()) {
          @Override
          public void markPublished(Connection connection, List<OutboxMessage> messages) {
            throw new RelayDied();
          }
        };
    try (OutboxRelay dying = relay(diesBeforeMarking, Duration.ofSeconds(1))) {
      assertThatThrownBy(() -> dying.relayBatch(shard)).isInstanceOf(RelayDied.class);
    }
    assertThat(TestKafka.read(topic, 3, Duration.ofSeconds(30))).hasSize(3);
    assertThat(kit.unpublished()).as("nothing was marked published").isEqualTo(3);

    try (OutboxRelay healthy = relay(new PostgresOutboxStore(), Duration.ofSeconds(1))) {
      assertThat(healthy.drainOnce()).isEqualTo(3);
    }
    List<ConsumerRecord<String, byte[]>> delivered =
        TestKafka.read(topic, 6, Duration.ofSeconds(30));
    assertThat(delivered).as("every event was sent twice").hasSize(6);
    assertThat(kit.unpublished()).isZero();

    IdempotentConsumer consumer = effectConsumer();
    Map<UUID, List<Outcome>> outcomes = new HashMap<>();
    delivered.stream()
        .sorted(
            java.util.Comparator.comparingInt(ConsumerRecord<String, byte[]>::partition)
                .thenComparingLong(ConsumerRecord::offset))
        .forEach(
            record ->
                outcomes
                    .computeIfAbsent(
                        kit.codec.decode(record.value()).eventId(), id -> new ArrayList<>())
                    .add(consumer.accept(record.value())));

    assertThat(outcomes)
        .as("each event applied on its first delivery, a duplicate on its second")
        .hasSize(3)
        .allSatisfy(
            (event, each) -> assertThat(each).containsExactly(Outcome.APPLIED, Outcome.DUPLICATE));
    assertThat(kit.effects()).as("business state as after one delivery").isEqualTo(3);
    assertThat(kit.jdbc.sql("SELECT seq FROM effects ORDER BY seq").query(Integer.class).list())
        .containsExactly(0, 1, 2);
  }

  @Test
  void twoRelaysOnOneOutboxPublishEveryEventOnceInPerAggregateOrder() throws Exception {
    int aggregates = 40;
    int perAggregate = 25;
    try (OutboxRelay first = relay(new PostgresOutboxStore(), Duration.ofMillis(200));
        OutboxRelay second = relay(new PostgresOutboxStore(), Duration.ofMillis(200))) {
      first.start();
      second.start();

      ExecutorService writers = Executors.newFixedThreadPool(4);
      List<Future<?>> writing = new ArrayList<>();
      for (int writer = 0; writer < 4; writer++) {
        int w = writer;
        writing.add(
            writers.submit(
                () -> {
                  for (int seq = 0; seq < perAggregate; seq++) {
                    for (int a = w; a < aggregates; a += 4) {
                      kit.append(topic, "agg-" + a, seq);
                    }
                  }
                }));
      }
      for (Future<?> f : writing) {
        f.get();
      }
      writers.shutdown();

      int expected = aggregates * perAggregate;
      List<ConsumerRecord<String, byte[]>> records =
          TestKafka.readUntil(
              topic, read -> distinctEventIds(read).size() >= expected, Duration.ofSeconds(90));

      assertThat(distinctEventIds(records)).hasSize(expected);
      assertThat(records).as("no event published twice").hasSize(expected);
      Map<String, List<Integer>> sequences = new HashMap<>();
      records.stream()
          .sorted(java.util.Comparator.comparingLong(ConsumerRecord::offset))
          .forEach(
              r ->
                  sequences
                      .computeIfAbsent(r.key() + "@" + r.partition(), k -> new ArrayList<>())
                      .add(kit.codec.decode(r.value()).payload().get("seq").asInt()));
      assertThat(sequences).hasSize(aggregates);
      sequences.forEach(
          (aggregate, seqs) ->
              assertThat(seqs)
                  .as(aggregate)
                  .isSortedAccordingTo(Integer::compare)
                  .hasSize(perAggregate));
    }
    assertThat(kit.unpublished()).isZero();
  }

  @Test
  void aBatchIsSentInRoundsOfOneEventPerAggregateEachOnceTheRoundBeforeIsAcknowledged()
      throws Exception {
    // two aggregates of one shard, each with three events waiting
    String first = keyInShard(2, "first");
    String second = keyInShard(2, "second");
    appendInTurn(3, first, second);
    List<List<String>> rounds = new CopyOnWriteArrayList<>();
    List<Integer> acknowledgedWhenSent = new CopyOnWriteArrayList<>();
    AtomicInteger acknowledged = new AtomicInteger();
    EventPublisher broker = KitFixture.publisher();
    EventPublisher recording =
        round -> {
          rounds.add(round.stream().map(OutboxMessage::key).toList());
          acknowledgedWhenSent.add(acknowledged.get());
          broker.publish(round);
          acknowledged.addAndGet(round.size());
        };

    try (OutboxRelay relay = relay(recording)) {
      assertThat(relay.drainOnce()).as("one pass publishes all of them").isEqualTo(6);
    }

    assertThat(rounds)
        .as("each aggregate's next event in a round of its own")
        .hasSize(3)
        .allSatisfy(keys -> assertThat(keys).containsExactly(first, second));
    assertThat(acknowledgedWhenSent)
        .as("each round sent once the broker acknowledged the one before it")
        .containsExactly(0, 2, 4);
    assertThat(kit.unpublished()).isZero();
    assertThat(sequencesByKey(6))
        .containsEntry(first, List.of(0, 1, 2))
        .containsEntry(second, List.of(0, 1, 2));
  }

  @Test
  void aRoundTheBrokerFailsKeepsTheRoundsBeforeItPublishedAndSendsNothingAfterIt()
      throws Exception {
    String first = keyInShard(2, "first");
    String second = keyInShard(2, "second");
    appendInTurn(3, first, second);
    AtomicInteger rounds = new AtomicInteger();
    EventPublisher broker = KitFixture.publisher();
    EventPublisher failsTheSecondRound =
        round -> {
          if (rounds.incrementAndGet() == 2) {
            throw new PublishException("the broker went away", new IllegalStateException());
          }
          broker.publish(round);
        };

    try (OutboxRelay relay = relay(failsTheSecondRound)) {
      assertThat(relay.drainOnce()).as("the failure stays in its shard").isZero();
      assertThat(rounds).as("no round after the failed one").hasValue(2);
      assertThat(kit.unpublished()).as("the first round is published and marked").isEqualTo(4);
      assertThat(relay.failingShards()).extracting(FailingShard::shard).containsExactly(2);
    }
    try (OutboxRelay relay = relay(broker)) {
      assertThat(relay.drainOnce()).isEqualTo(4);
    }

    assertThat(sequencesByKey(6))
        .as("every event once, each aggregate's in order")
        .containsEntry(first, List.of(0, 1, 2))
        .containsEntry(second, List.of(0, 1, 2));
  }

  /** {@code events} events of each aggregate, appended in turn: each one's first, then second... */
  private void appendInTurn(int events, String... aggregates) {
    for (int seq = 0; seq < events; seq++) {
      for (String aggregate : aggregates) {
        kit.append(topic, aggregate, seq);
      }
    }
  }

  /** The sequence numbers of the topic's first {@code count} records, by key, in arrival order. */
  private Map<String, List<Integer>> sequencesByKey(int count) {
    Map<String, List<Integer>> sequences = new HashMap<>();
    TestKafka.read(topic, count, Duration.ofSeconds(30))
        .forEach(
            r ->
                sequences
                    .computeIfAbsent(r.key(), k -> new ArrayList<>())
                    .add(kit.codec.decode(r.value()).payload().get("seq").asInt()));
    return sequences;
  }

  @Test
  void anIdleRelayIsWokenByACommitBeforeItsPollIntervalEnds() throws Exception {
    try (OutboxRelay relay = relay(new PostgresOutboxStore(), Duration.ofMinutes(10))) {
      relay.start();
      Thread.sleep(1_000); // let it drain the empty outbox and go to sleep
      kit.append(topic, "late", 0);

      List<ConsumerRecord<String, byte[]>> records =
          TestKafka.read(topic, 1, Duration.ofSeconds(60));

      assertThat(records)
          .as("published long before the ten-minute poll would have found it")
          .hasSize(1);
    }
  }

  @Test
  void aRelayWokenByACommitVisitsOnlyTheShardItNamesWithoutAskingWhichShardsArePending()
      throws Exception {
    AtomicInteger probes = new AtomicInteger();
    List<Integer> claimed = new CopyOnWriteArrayList<>();
    OutboxStore counting =
        new DelegatingStore(claimsInto(claimed)) {
          @Override
          public SortedMap<Integer, Instant> pendingShards(Connection connection, int shards)
              throws SQLException {
            probes.incrementAndGet();
            return super.pendingShards(connection, shards);
          }
        };
    try (OutboxRelay relay = relay(counting, Duration.ofMinutes(10))) {
      relay.start();
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> probes.get() >= 2); // its first pass, and the one after it began to listen
      Thread.sleep(500);
      int probesWhenIdle = probes.get();
      String key = keyInShard(3, "thing");

      kit.append(topic, key, 0);

      assertThat(TestKafka.read(topic, 1, Duration.ofSeconds(60)))
          .extracting(ConsumerRecord::key)
          .containsExactly(key);
      assertThat(probes.get()).as("probes of every shard").isEqualTo(probesWhenIdle);
      assertThat(claimed).as("shards claimed").containsOnly(3);
    }
  }

  @Test
  void aShardAnotherRelayHoldsIsLeftToItOnTheCommitsThatFollow() throws Exception {
    List<Integer> claimed = new CopyOnWriteArrayList<>();
    String held = keyInShard(3, "thing");
    String free = keyInShard(5, "thing");
    try (OutboxRelay relay = relay(claimsInto(claimed), Duration.ofMinutes(10));
        Connection otherRelay = kit.dataSource.getConnection()) {
      relay.start();
      Thread.sleep(1_000); // let it drain the empty outbox and go to sleep
      otherRelay.setAutoCommit(false);
      assertThat(new PostgresOutboxStore().tryClaim(otherRelay, 3, Duration.ofMinutes(1))).isTrue();

      kit.append(topic, held, 0);
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> claimed.contains(3));
      kit.transactions.executeWithoutResult(
          status -> {
            kit.outbox.append(KitFixture.thing(topic, held, 1));
            kit.outbox.append(KitFixture.thing(topic, free, 0));
          });

      assertThat(TestKafka.read(topic, 1, Duration.ofSeconds(60)))
          .extracting(ConsumerRecord::key)
          .containsExactly(free);
      assertThat(claimed)
          .as("shard 3 tried once, when its holder was first met; shard 5 taken")
          .containsExactly(3, 5);
      otherRelay.rollback();
    }
  }

  @Test
  void aShardLeftToAnotherRelayIsTakenOverOnceItsOldestMessageWaitedAPollInterval()
      throws Exception {
    List<Integer> claimed = new CopyOnWriteArrayList<>();
    String key = keyInShard(3, "thing");
    try (OutboxRelay relay = relay(claimsInto(claimed), Duration.ofMillis(500));
        Connection otherRelay = kit.dataSource.getConnection()) {
      relay.start();
      Thread.sleep(1_000);
      otherRelay.setAutoCommit(false);
      assertThat(new PostgresOutboxStore().tryClaim(otherRelay, 3, Duration.ofMinutes(1))).isTrue();
      kit.append(topic, key, 0);
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> claimed.contains(3));

      otherRelay.rollback(); // the holder stops without having published it

      assertThat(TestKafka.read(topic, 1, Duration.ofSeconds(60)))
          .extracting(ConsumerRecord::key)
          .containsExactly(key);
      assertThat(kit.unpublished()).isZero();
    }
  }

  @Test
  void aShardWhoseRecordTheBrokerRefusesIsRetriedAloneWhileTheOtherShardsPublishAndPurge()
      throws Exception {
    // the refused record in the first shard a pass visits: every other shard comes after it
    String refused = keyInShard(0, "refused");
    List<String> healthy = new ArrayList<>();
    for (int shard = 1; shard < SHARDS; shard++) {
      healthy.add(keyInShard(shard, "healthy"));
    }
    kit.transactions.executeWithoutResult(
        status ->
            kit.outbox.append(
                new OutboxEvent(
                    topic,
                    "Thing",
                    refused,
                    "ThingHappened",
                    1,
                    // larger than a producer sends (max.request.size, 1 MB): refused every time
                    Map.of("seq", 0, "blob", "x".repeat(2_000_000)))));
    healthy.forEach(key -> kit.append(topic, key, 0));
    RelaySettings purgingAtOnce =
        new RelaySettings(
            SHARDS,
            50,
            Duration.ofMillis(200),
            Duration.ZERO,
            Duration.ZERO,
            5_000,
            Duration.ofMillis(100),
            Duration.ofSeconds(2),
            Duration.ofSeconds(12));

    try (OutboxRelay relay = pollingRelay(purgingAtOnce)) {
      relay.start();

      List<ConsumerRecord<String, byte[]>> published =
          TestKafka.read(topic, healthy.size(), Duration.ofSeconds(30));
      assertThat(published)
          .extracting(ConsumerRecord::key)
          .containsExactlyInAnyOrderElementsOf(healthy);
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  assertThat(
                          kit.jdbc
                              .sql("SELECT message_key FROM bulwark.outbox")
                              .query(String.class)
                              .list())
                      .as("the healthy shards' events published and purged, the refused kept")
                      .containsExactly(refused));
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  assertThat(relay.failingShards())
                      .singleElement()
                      .satisfies(
                          failing -> {
                            assertThat(failing.shard()).isZero();
                            assertThat(failing.failures()).isGreaterThanOrEqualTo(2);
                            assertThat(failing.lastError()).contains("RecordTooLarge");
                            assertThat(failing.retryAt()).isAfter(failing.since());
                          }));
    }
  }

  @Test
  void aShardThatRecoversIsNoLongerFailing() throws Exception {
    String key = keyInShard(3, "flaky");
    kit.append(topic, key, 0);
    boolean[] refuse = {true};
    OutboxStore refusesOnce =
        new DelegatingStore(new PostgresOutboxStore()) {
          @Override
          public void markPublished(Connection connection, List<OutboxMessage> messages)
              throws SQLException {
            if (refuse[0]) {
              refuse[0] = false;
              throw new RelayDied();
            }
            super.markPublished(connection, messages);
          }
        };
    try (OutboxRelay relay = relay(refusesOnce, Duration.ofSeconds(1))) {
      assertThat(relay.drainOnce()).as("the failure stays in its shard").isZero();
      assertThat(relay.failingShards()).extracting(FailingShard::shard).containsExactly(3);

      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> relay.drainOnce() == 1);

      assertThat(relay.failingShards()).isEmpty();
      assertThat(kit.unpublished()).isZero();
    }
  }

  /** A message key that falls in the shard, so that a test knows where its events go. */
  private static String keyInShard(int shard, String prefix) {
    return ShardKeys.inShard(shard, SHARDS, prefix);
  }

  @Test
  void retentionPurgesPublishedEventsAndKeepsUnpublishedOnes() throws SQLException {
    kit.append(topic, "a", 0);
    kit.append(topic, "b", 0);
    RelaySettings purgeEverythingPublished =
        new RelaySettings(
            SHARDS,
            100,
            Duration.ofSeconds(1),
            Duration.ZERO,
            Duration.ZERO,
            1, // one row per delete: the purge goes round until nothing is left
            Duration.ofMillis(50),
            Duration.ofSeconds(1),
            Duration.ofSeconds(12));
    try (OutboxRelay relay = pollingRelay(purgeEverythingPublished)) {
      relay.drainOnce();
      kit.append(topic, "c", 0);

      relay.purgeIfDue();
    }

    assertThat(kit.jdbc.sql("SELECT message_key FROM bulwark.outbox").query(String.class).list())
        .containsExactly("c");
  }

  /** A relay that polls (no notifications), with these settings. */
  private OutboxRelay pollingRelay(RelaySettings settings) {
    return new OutboxRelay(
        kit.dataSource,
        new PostgresOutboxStore(),
        KitFixture.publisher(),
        OutboxWakeup.polling(),
        settings,
        Clock.systemUTC());
  }

  /** A polling relay of this test's shards that sends through {@code publisher}. */
  private OutboxRelay relay(EventPublisher publisher) {
    return new OutboxRelay(
        kit.dataSource,
        new PostgresOutboxStore(),
        publisher,
        OutboxWakeup.polling(),
        KitFixture.settings(SHARDS, 50, Duration.ofSeconds(1)),
        Clock.systemUTC());
  }

  private OutboxRelay relay(OutboxStore store, Duration pollInterval) {
    return new OutboxRelay(
        kit.dataSource,
        store,
        KitFixture.publisher(),
        new PostgresNotificationWakeup(kit.dataSource),
        KitFixture.settings(SHARDS, 50, pollInterval),
        Clock.systemUTC());
  }

  private IdempotentConsumer effectConsumer() {
    var effects =
        EventRouter.builder(kit.codec)
            .on(
                "ThingHappened",
                1,
                KitFixture.Thing.class,
                (thing, envelope) ->
                    kit.jdbc
                        .sql("INSERT INTO effects (event_id, aggregate, seq) VALUES (?, ?, ?)")
                        .params(envelope.eventId(), envelope.aggregateId(), thing.seq())
                        .update())
            .build();
    return new IdempotentConsumer(
        "effects",
        new PostgresInbox(new TransactionAwareDataSourceProxy(kit.dataSource)),
        kit.codec,
        effects,
        kit.transactionPort());
  }

  private Set<UUID> distinctEventIds(List<ConsumerRecord<String, byte[]>> records) {
    Set<UUID> ids = new HashSet<>();
    records.forEach(r -> ids.add(kit.codec.decode(r.value()).eventId()));
    return ids;
  }

  /** Stands for the relay's process dying between the broker's acknowledgement and the mark. */
  private static final class RelayDied extends RuntimeException {}

  /** The kit's store, noting every shard a relay tries to claim. */
  private static OutboxStore claimsInto(List<Integer> claimed) {
    return new DelegatingStore(new PostgresOutboxStore()) {
      @Override
      public boolean tryClaim(Connection connection, int shard, Duration idleLimit)
          throws SQLException {
        claimed.add(shard);
        return super.tryClaim(connection, shard, idleLimit);
      }
    };
  }
}
