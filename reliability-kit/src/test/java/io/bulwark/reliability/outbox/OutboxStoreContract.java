package io.bulwark.reliability.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.bulwark.reliability.KitFixture;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link OutboxStore} must do, as written in its Javadoc. Each implementation runs this
 * suite by extending it.
 */
abstract class OutboxStoreContract {

  protected static final int SHARDS = 4;
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
      assertThat(store.tryClaim(first, 1)).isTrue();
      assertThat(store.tryClaim(second, 1)).isFalse();
      assertThat(store.tryClaim(second, 2)).as("other shards stay free").isTrue();
      first.rollback();
      second.rollback();
      assertThat(store.tryClaim(second, 1)).isTrue();
      second.rollback();
    }
  }

  @Test
  void aClaimEndsWhenTheClaimingConnectionDies() throws SQLException {
    Connection dying = transaction();
    assertThat(store.tryClaim(dying, 0)).isTrue();
    dying.close(); // a crashed relay: the server ends its session and its transaction

    try (Connection next = transaction()) {
      assertThat(store.tryClaim(next, 0)).isTrue();
      next.rollback();
    }
  }

  @Test
  void pendingShardsAreExactlyThoseHoldingUnpublishedMessagesClaimedOrNot() throws SQLException {
    try (Connection connection = transaction()) {
      assertThat(store.pendingShards(connection, SHARDS)).isEmpty();
      connection.rollback();
    }
    String first = keyInShard(0);
    String second = keyInShard(2);
    kit.append("t", first, 0);
    kit.append("t", second, 1);
    try (Connection claimer = transaction();
        Connection connection = transaction()) {
      assertThat(store.tryClaim(claimer, 2)).isTrue();
      assertThat(store.pendingShards(connection, SHARDS)).containsExactlyInAnyOrder(0, 2);

      store.markPublished(connection, store.fetchUnpublished(connection, 0, 10));
      connection.commit();
      assertThat(store.pendingShards(connection, SHARDS)).containsExactly(2);
      connection.rollback();
      claimer.rollback();
    }
  }

  private static String keyInShard(int shard) {
    for (int i = 0; ; i++) {
      if (Shards.of("aggregate-" + i, SHARDS) == shard) {
        return "aggregate-" + i;
      }
    }
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

  private Connection transaction() throws SQLException {
    Connection connection = kit.dataSource.getConnection();
    connection.setAutoCommit(false);
    return connection;
  }
}
