package io.bulwark.reliability.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.bulwark.reliability.KitFixture;
import io.bulwark.reliability.tracing.EventTracing;
import io.bulwark.reliability.tracing.TracedEvent;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.datasource.TransactionAwareDataSourceProxy;

/**
 * What every {@link OutboxStore} must do, as written in its Javadoc. Each implementation runs this
 * suite by extending it.
 */
abstract class OutboxStoreContract {

  protected static final int SHARDS = 4;
  protected static final Duration CLAIM_LIMIT = Duration.ofSeconds(30);
  protected KitFixture kit;
  protected OutboxStore store;

  protected abstract OutboxStore createStore();

  @BeforeEach
  void setUpStore() {
    kit = new KitFixture(SHARDS);
    store = createStore();
  }

  @Test
  void aClaimedShardCannotBeClaimedByAnotherTransactionUntilTheFirstEnds() throws SQLException {
    try (Connection first = transaction();
        Connection second = transaction()) {
      assertThat(store.tryClaim(first, 1, CLAIM_LIMIT)).isTrue();
      assertThat(store.tryClaim(second, 1, CLAIM_LIMIT)).isFalse();
      assertThat(store.tryClaim(second, 2, CLAIM_LIMIT)).as("other shards stay free").isTrue();
      first.rollback();
      second.rollback();
      assertThat(store.tryClaim(second, 1, CLAIM_LIMIT)).isTrue();
      second.rollback();
    }
  }

  @Test
  void aClaimEndsWhenTheClaimingConnectionDies() throws SQLException {
    Connection dying = transaction();
    assertThat(store.tryClaim(dying, 0, CLAIM_LIMIT)).isTrue();
    dying.close(); // a crashed relay: the server ends its session and its transaction

    try (Connection next = transaction()) {
      assertThat(store.tryClaim(next, 0, CLAIM_LIMIT)).isTrue();
      next.rollback();
    }
  }

  @Test
  void aClaimWhoseTransactionStaysIdleLongerThanItsLimitEndsAndTheShardCanBeClaimedAgain()
      throws Exception {
    Connection stalled = transaction();
    try {
      assertThat(store.tryClaim(stalled, 3, Duration.ofMillis(200))).isTrue();
      try (Connection next = transaction()) {
        assertThat(store.tryClaim(next, 3, CLAIM_LIMIT))
            .as("held while within its limit")
            .isFalse();
        next.rollback();
        Thread.sleep(1_000); // the claimer says nothing for five times its limit
        assertThat(store.tryClaim(next, 3, CLAIM_LIMIT)).as("given up by the server").isTrue();
        next.rollback();
      }
    } finally {
      stalled.close();
    }
  }

  @Test
  void pendingShardsAreExactlyThoseHoldingUnpublishedMessagesClaimedOrNotWithTheirOldest()
      throws SQLException {
    try (Connection connection = transaction()) {
      assertThat(store.pendingShards(connection, SHARDS)).isEmpty();
      connection.rollback();
    }
    String first = keyInShard(0);
    String second = keyInShard(2);
    Instant before = Instant.now();
    kit.append("t", first, 0);
    kit.append("t", second, 1);
    Instant between = Instant.now();
    kit.append("t", second, 2);
    try (Connection claimer = transaction();
        Connection connection = transaction()) {
      assertThat(store.tryClaim(claimer, 2, CLAIM_LIMIT)).isTrue();
      Map<Integer, Instant> pending = store.pendingShards(connection, SHARDS);
      assertThat(pending).containsOnlyKeys(0, 2);
      assertThat(pending.get(2))
          .as("the oldest of the shard's two")
          .isBetween(before.minusMillis(1), between.plusMillis(1));

      store.markPublished(connection, store.fetchUnpublished(connection, 0, 10));
      store.markPublished(connection, store.fetchUnpublished(connection, 2, 1));
      connection.commit();
      pending = store.pendingShards(connection, SHARDS);
      assertThat(pending).containsOnlyKeys(2);
      assertThat(pending.get(2)).as("now the later one").isAfterOrEqualTo(between.minusMillis(1));
      connection.rollback();
      claimer.rollback();
    }
  }

  private static String keyInShard(int shard) {
    return ShardKeys.inShard(shard, SHARDS, "aggregate");
  }

  @Test
  void unpublishedMessagesOfAShardComeInAppendOrder() throws SQLException {
    for (int seq = 0; seq < 5; seq++) {
      kit.append("t", "same-aggregate", seq);
    }
    int shard = Shards.of("same-aggregate", SHARDS);
    try (Connection connection = transaction()) {
      List<OutboxMessage> messages = store.fetchUnpublished(connection, shard, 3);
      assertThat(messages).hasSize(3);
      assertThat(messages)
          .extracting(m -> kit.codec.decode(m.message()).payload().get("seq").asInt())
          .containsExactly(0, 1, 2);
      connection.rollback();
    }
  }

  @Test
  void anUnpublishedMessageComesWithWhenItWasStoredAndTheTraceContextOfItsTransaction()
      throws SQLException {
    String traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    Outbox traced =
        new PostgresOutbox(
            new TransactionAwareDataSourceProxy(kit.dataSource),
            kit.codec,
            SHARDS,
            Clock.systemUTC(),
            new TraceOf(Map.of("traceparent", traceparent)));
    Instant before = Instant.now().minusSeconds(1);
    kit.transactions.executeWithoutResult(
        status ->
            traced.append(
                new OutboxEvent("t", "Thing", "traced", "ThingHappened", 1, Map.of("seq", 0))));
    kit.append("t", "traced", 1); // outside any trace

    try (Connection connection = transaction()) {
      List<OutboxMessage> messages =
          store.fetchUnpublished(connection, Shards.of("traced", SHARDS), 2);
      assertThat(messages.get(0).traceContext()).containsExactly(entry("traceparent", traceparent));
      assertThat(messages.get(1).traceContext()).isEmpty();
      assertThat(messages)
          .extracting(OutboxMessage::createdAt)
          .allSatisfy(at -> assertThat(at).isBetween(before, Instant.now().plusSeconds(1)));
      connection.rollback();
    }
  }

  /** A trace whose context is always {@code context}, as a traced request's would be. */
  private record TraceOf(Map<String, String> context) implements EventTracing {
    @Override
    public Map<String, String> currentContext() {
      return context;
    }

    @Override
    public Step publishing(TracedEvent event, Map<String, String> stored, Duration inOutbox) {
      return NONE.publishing(event, stored, inOutbox);
    }

    @Override
    public Step consuming(String consumer, TracedEvent event, Map<String, String> headers) {
      return NONE.consuming(consumer, event, headers);
    }

    @Override
    public Step redriving(String consumer, TracedEvent event, Map<String, String> original) {
      return NONE.redriving(consumer, event, original);
    }
  }

  @Test
  void markingPublishesExactlyTheGivenMessagesAndARollbackUndoesIt() throws SQLException {
    for (int seq = 0; seq < 4; seq++) {
      kit.append("t", "x", seq);
    }
    int shard = Shards.of("x", SHARDS);
    try (Connection connection = transaction()) {
      store.markPublished(connection, store.fetchUnpublished(connection, shard, 2));
      connection.rollback();
    }
    assertThat(kit.unpublished()).isEqualTo(4);

    try (Connection connection = transaction()) {
      store.markPublished(connection, store.fetchUnpublished(connection, shard, 2));
      connection.commit();
    }
    assertThat(kit.unpublished()).isEqualTo(2);
  }

  @Test
  void purgingDeletesOnlyPublishedMessagesOlderThanTheCutOff() throws SQLException {
    kit.append("t", "p", 0);
    kit.append("t", "p", 1);
    int shard = Shards.of("p", SHARDS);
    try (Connection connection = transaction()) {
      store.markPublished(connection, store.fetchUnpublished(connection, shard, 1));
      connection.commit();
    }
    try (Connection connection = transaction()) {
      assertThat(store.purgePublished(connection, Instant.now().minusSeconds(3600), 10)).isZero();
      assertThat(store.purgePublished(connection, Instant.now().plusSeconds(1), 10)).isEqualTo(1);
      connection.commit();
    }
    assertThat(kit.unpublished()).isEqualTo(1);
  }

  @Test
  void theBacklogCountsUnpublishedMessagesAndTheOldest() throws SQLException {
    try (Connection connection = kit.dataSource.getConnection()) {
      assertThat(store.backlog(connection)).isEqualTo(new OutboxStore.Backlog(0, null));
      kit.append("t", "b", 0);
      kit.append("t", "b", 1);
      OutboxStore.Backlog backlog = store.backlog(connection);
      assertThat(backlog.size()).isEqualTo(2);
      assertThat(backlog.oldest()).isBeforeOrEqualTo(Instant.now());
    }
  }

  protected Connection transaction() throws SQLException {
    Connection connection = kit.dataSource.getConnection();
    connection.setAutoCommit(false);
    return connection;
  }
}
