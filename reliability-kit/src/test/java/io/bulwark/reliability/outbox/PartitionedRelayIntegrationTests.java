package io.bulwark.reliability.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bulwark.fixtures.kafka.TestKafka;
import io.bulwark.fixtures.net.PartitionProxy;
import io.bulwark.reliability.KitFixture;
import java.net.URI;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A relay whose database goes silent in the middle of a batch, through a proxy that drops
 * everything and closes nothing: its wait is bounded by its socket timeout, and the database ends
 * its claim, so another relay takes the shard within the claim's idle timeout and nothing waits for
 * the kernel to give up on the connection.
 */
class PartitionedRelayIntegrationTests {

  private static final int SHARDS = 1;
  private static final Duration CLAIM_IDLE = Duration.ofSeconds(3);
  private static final int SOCKET_TIMEOUT_SECONDS = 5;

  private KitFixture kit;
  private String topic;
  private PartitionProxy proxy;

  @BeforeEach
  void setUp() {
    kit = new KitFixture(SHARDS);
    topic = TestKafka.uniqueTopic("partitioned");
    TestKafka.createTopic(topic, 1);
    URI direct = URI.create(kit.url.substring("jdbc:".length()));
    proxy = new PartitionProxy(direct.getPort());
  }

  @AfterEach
  void tearDown() {
    proxy.close();
  }

  @Test
  void aRelayCutOffMidBatchLosesItsShardToAnotherWithinTheClaimTimeoutAndItsOwnWaitIsBounded()
      throws Exception {
    for (int i = 0; i < 5; i++) {
      kit.append(topic, "p-" + i, i);
    }
    CountDownLatch publishing = new CountDownLatch(1);
    EventPublisher broker = KitFixture.publisher();
    EventPublisher slowBroker =
        batch -> {
          publishing.countDown();
          sleep(Duration.ofMillis(500));
          broker.publish(batch);
        };
    RelaySettings settings = settings();
    try (OutboxRelay cutOff = relay(throughProxy(), slowBroker, settings);
        OutboxRelay other = relay(kit.dataSource, KitFixture.publisher(), settings)) {
      CompletableFuture<Instant> cutOffFailed =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  cutOff.relayBatch(0);
                  return null;
                } catch (SQLException | RuntimeException e) {
                  return Instant.now();
                }
              });
      assertThat(publishing.await(30, TimeUnit.SECONDS)).isTrue();

      proxy.partition();
      Instant partitioned = Instant.now();
      int taken = -1;
      while (taken <= 0 && Duration.between(partitioned, Instant.now()).toSeconds() < 30) {
        taken = other.relayBatch(0);
        if (taken <= 0) {
          sleep(Duration.ofMillis(100));
        }
      }
      Duration takeover = Duration.between(partitioned, Instant.now());
      Instant failed = cutOffFailed.get(30, TimeUnit.SECONDS);

      assertThat(taken).as("the other relay published the shard's batch").isEqualTo(5);
      assertThat(takeover)
          .as("the claim held until the database ended it, and not much longer")
          .isGreaterThanOrEqualTo(CLAIM_IDLE.minusMillis(600))
          .isLessThan(CLAIM_IDLE.plusSeconds(5));
      assertThat(failed).as("the cut-off relay's wait ended with an error").isNotNull();
      assertThat(Duration.between(partitioned, failed))
          .as("bounded by its socket timeout, not the kernel's minutes")
          .isLessThan(Duration.ofSeconds(SOCKET_TIMEOUT_SECONDS + 5));
      assertThat(kit.unpublished()).isZero();
      System.out.printf(
          "relay cut off mid-batch: shard taken over after %d ms, the cut-off relay failed after"
              + " %d ms%n",
          takeover.toMillis(), Duration.between(partitioned, failed).toMillis());

      proxy.heal();
      assertThat(cutOff.drainOnce()).as("healed, it finds nothing left to send").isZero();
    }
    List<String> keys =
        TestKafka.readUntil(topic, records -> records.size() >= 5, Duration.ofSeconds(30)).stream()
            .map(record -> record.key())
            .distinct()
            .toList();
    assertThat(keys).as("every event reached the broker").hasSize(5);
  }

  @Test
  void aQueryOnAConnectionWhoseDatabaseWentSilentFailsWithinTheSocketTimeout() throws Exception {
    try (var connection = throughProxy().getConnection()) {
      proxy.partition();
      Instant asked = Instant.now();

      assertThatThrownBy(() -> connection.createStatement().execute("SELECT 1"))
          .isInstanceOf(SQLException.class);
      assertThat(Duration.between(asked, Instant.now()))
          .isLessThan(Duration.ofSeconds(SOCKET_TIMEOUT_SECONDS + 5));
    }
  }

  @Test
  void aNewConnectionToADatabaseThatWentSilentFailsWithinTheLoginTimeout() {
    PGSimpleDataSource silent = throughProxy();
    proxy.partition();
    Instant asked = Instant.now();

    assertThatThrownBy(() -> silent.getConnection().close()).isInstanceOf(SQLException.class);
    assertThat(Duration.between(asked, Instant.now()))
        .isLessThan(Duration.ofSeconds(SOCKET_TIMEOUT_SECONDS + 5));
  }

  private PGSimpleDataSource throughProxy() {
    URI direct = URI.create(kit.url.substring("jdbc:".length()));
    PGSimpleDataSource dataSource = new PGSimpleDataSource();
    dataSource.setUrl("jdbc:postgresql://127.0.0.1:" + proxy.port() + direct.getPath());
    dataSource.setUser("postgres");
    dataSource.setSocketTimeout(SOCKET_TIMEOUT_SECONDS);
    dataSource.setConnectTimeout(3);
    dataSource.setLoginTimeout(SOCKET_TIMEOUT_SECONDS);
    return dataSource;
  }

  private static RelaySettings settings() {
    RelaySettings base = KitFixture.settings(SHARDS, 50, Duration.ofSeconds(1));
    return new RelaySettings(
        base.shards(),
        base.batchSize(),
        base.pollInterval(),
        base.retention(),
        base.purgeInterval(),
        base.purgeBatchSize(),
        base.errorBackoff(),
        base.maxErrorBackoff(),
        CLAIM_IDLE);
  }

  private static OutboxRelay relay(
      javax.sql.DataSource dataSource, EventPublisher publisher, RelaySettings settings) {
    return new OutboxRelay(
        dataSource,
        new PostgresOutboxStore(),
        publisher,
        OutboxWakeup.polling(),
        settings,
        Clock.systemUTC());
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
