package io.bulwark.reliability.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.bulwark.reliability.KitFixture;
import io.bulwark.reliability.outbox.OutboxWakeup.Woken;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PostgresNotificationWakeupIntegrationTests {

  private static final int SHARDS = 8;
  private static final Duration LONG = Duration.ofSeconds(30);

  private KitFixture kit;

  @BeforeEach
  void setUp() {
    kit = new KitFixture(SHARDS);
  }

  @Test
  void theFirstWaitOnANewConnectionEndsAtOnceForAnyShardSinceEarlierCommitsWentUnheard()
      throws Exception {
    kit.append("things", "before-listening", 0);
    try (var wakeup = new PostgresNotificationWakeup(kit.dataSource)) {
      long started = System.nanoTime();

      Woken woken = wakeup.await(LONG);

      assertThat(woken.anyShard()).isTrue();
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(LONG);
    }
  }

  @Test
  void aCommitEndsTheWaitNamingTheShardsItsEventsWentTo() throws Exception {
    String first = keyInShard(2);
    String second = keyInShard(5);
    try (var wakeup = new PostgresNotificationWakeup(kit.dataSource)) {
      wakeup.await(LONG); // opens the connection and listens

      kit.transactions.executeWithoutResult(
          status -> {
            kit.outbox.append(thing(first, 0));
            kit.outbox.append(thing(first, 1));
            kit.outbox.append(thing(second, 0));
          });
      Woken woken = wakeup.await(LONG);

      assertThat(woken.anyShard()).isFalse();
      assertThat(woken.shards()).containsExactlyInAnyOrder(2, 5);
    }
  }

  @Test
  void aWaitWithoutCommitsEndsAfterItsMaximumForAnyShard() throws Exception {
    try (var wakeup = new PostgresNotificationWakeup(kit.dataSource)) {
      wakeup.await(LONG);
      long started = System.nanoTime();

      Woken woken = wakeup.await(Duration.ofMillis(300));

      assertThat(woken.anyShard()).isTrue();
      assertThat(Duration.ofNanos(System.nanoTime() - started))
          .as("waited, give or take the clock's granularity")
          .isGreaterThan(Duration.ofMillis(250));
    }
  }

  @Test
  void aListeningConnectionThatDiesIsReopenedAndTheNextWaitIsForAnyShard() throws Exception {
    try (var wakeup = new PostgresNotificationWakeup(kit.dataSource)) {
      wakeup.await(LONG);

      kit.jdbc
          .sql(
              "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                  + " WHERE datname = current_database() AND query LIKE 'LISTEN%'")
          .query()
          .listOfRows();
      kit.append("things", keyInShard(1), 0); // its notification is lost with the connection
      Woken woken = wakeup.await(LONG);
      if (!woken.anyShard()) {
        // the notification may have come before the connection died: read again
        woken = wakeup.await(LONG);
      }

      assertThat(woken.anyShard()).isTrue();
      kit.append("things", keyInShard(6), 0);
      assertThat(wakeup.await(LONG)).isEqualTo(Woken.atShards(Set.of(6)));
    }
  }

  private static OutboxEvent thing(String aggregate, int seq) {
    return KitFixture.thing("things", aggregate, seq);
  }

  private static String keyInShard(int shard) {
    return ShardKeys.inShard(shard, SHARDS, "thing");
  }
}
