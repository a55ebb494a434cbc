package io.bulwark.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.bulwark.fixtures.kafka.TestKafka;
import io.bulwark.harness.Await;
import io.bulwark.harness.client.OrderRequest;
import io.bulwark.harness.http.HttpJson;
import io.bulwark.harness.http.HttpJson.Response;
import io.bulwark.harness.platform.PlatformLauncher.Instance;
import io.bulwark.harness.platform.Topology;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * What a platform's SIGTERM (a rolling update, a scale-down, a node drain) does to real service
 * processes: readiness turns down while the instance still serves, the request in flight finishes,
 * and the Kafka consumers commit what they processed and leave their group at once instead of after
 * the session timeout.
 */
@SystemTest
class GracefulShutdownSystemTests {

  private static final String ORDERS_TOPIC = "bulwark.orders.events";

  /** The header in which the outbox relay sends each event's id. */
  private static final String EVENT_ID_HEADER = "bulwark-event-id";

  private static final Duration SESSION_TIMEOUT = Duration.ofSeconds(10);

  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** The order events inventory-service acts on; it skips the others without an inbox row. */
  private static final Set<String> HANDLED = Set.of("OrderPlaced", "OrderCancelled");

  private static Platform platform;

  private final HttpJson gateway = platform.client().http();

  @BeforeAll
  static void stock() {
    platform.client().setStock("DRAIN-1", 100000);
  }

  @Test
  void readinessCountsTheDatabaseButNeverACircuitBreaker() {
    for (Instance instance :
        List.of(
            platform.running(Topology.ORDER_SERVICE),
            platform.running(Topology.INVENTORY_SERVICE))) {
      Response readiness = Platform.management(instance).get("/actuator/health/readiness");
      assertThat(readiness.status()).isEqualTo(200);
      assertThat(readiness.body())
          .contains("\"readinessState\"", "\"db\"")
          .doesNotContain("circuitBreakers", "kafka");
    }
    Response gatewayReadiness = platform.gatewayManagement().get("/actuator/health/readiness");
    assertThat(gatewayReadiness.status()).isEqualTo(200);
    assertThat(gatewayReadiness.body()).contains("\"readinessState\"").doesNotContain("\"db\"");
  }

  @Test
  void anInstanceThatCannotReachItsDatabaseIsUnreadyButAliveAndReadyAgainWhenItCan()
      throws Exception {
    HttpJson instance = Platform.management(platform.running(Topology.ORDER_SERVICE));
    String database =
        platform.ordersUrl.substring(
            platform.ordersUrl.lastIndexOf('/') + 1,
            platform.ordersUrl.contains("?")
                ? platform.ordersUrl.indexOf('?')
                : platform.ordersUrl.length());
    String admin = platform.ordersUrl.replace("/" + database, "/postgres");
    try (Connection postgres = DriverManager.getConnection(admin, "postgres", "");
        Statement sql = postgres.createStatement()) {
      // the database turns unreachable: no new connections, the open ones cut
      sql.execute("ALTER DATABASE " + database + " ALLOW_CONNECTIONS false");
      try {
        sql.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '"
                + database
                + "'");
        await()
            .atMost(Duration.ofSeconds(30))
            .untilAsserted(() -> assertThat(readiness(instance)).isEqualTo("503 DOWN"));
        assertThat(instance.get("/actuator/health/liveness").status())
            .as("alive: nothing a restart would mend")
            .isEqualTo(200);
      } finally {
        sql.execute("ALTER DATABASE " + database + " ALLOW_CONNECTIONS true");
      }
    }
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(readiness(instance)).isEqualTo("200 UP"));
  }

  @Test
  void aTerminatedConsumerCommitsWhatItProcessedAndLeavesItsGroupAtOnce() throws Exception {
    Instance inventory = platform.running(Topology.INVENTORY_SERVICE);
    try (Admin admin = admin()) {
      // the group holds only this instance's consumers: members of instances killed by earlier
      // tests on the same broker have timed out, so no rebalance waits on them
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () -> {
                ConsumerGroupDescription group = group(admin);
                assertThat(group.groupState()).isEqualTo(GroupState.STABLE);
                assertThat(group.members()).hasSize(3);
              });
    }
    HttpJson orders = platform.direct(platform.running(Topology.ORDER_SERVICE));
    CompletableFuture<Void> burst =
        CompletableFuture.runAsync(
            () -> {
              for (int i = 0; i < 60; i++) {
                assertThat(orders.postOnce("/api/orders", order()).status()).isEqualTo(201);
              }
            });
    // terminate while the consumer is busy: some orders are reserved, more are on their way
    await().atMost(Duration.ofSeconds(60)).until(() -> reservations() >= 5 || burst.isDone());
    try (Admin admin = admin()) {
      assertThat(group(admin).members()).isNotEmpty();

      inventory.process().terminate();
      int exit = inventory.process().awaitExit(Duration.ofSeconds(30));
      long exitedAt = System.nanoTime();
      burst.get();

      assertThat(exit).as("exit code after SIGTERM").isIn(0, 143);
      await()
          .atMost(Duration.ofSeconds(5))
          .untilAsserted(
              () -> {
                ConsumerGroupDescription group = group(admin);
                assertThat(group.members()).isEmpty();
                assertThat(group.groupState()).isEqualTo(GroupState.EMPTY);
              });
      assertThat(Duration.ofNanos(System.nanoTime() - exitedAt)).isLessThan(SESSION_TIMEOUT);

      Map<TopicPartition, OffsetAndMetadata> committed =
          admin.listConsumerGroupOffsets("inventory-service").partitionsToOffsetAndMetadata().get();
      Set<UUID> processed = new HashSet<>(processedEventIds());
      // the broker is shared with other tests: judge only the events this platform published
      Set<UUID> ours =
          new HashSet<>(
              platform.orders.sql("SELECT event_id FROM bulwark.outbox").query(UUID.class).list());
      List<UUID> committedButNotProcessed = new ArrayList<>();
      long committedRecords = 0;
      long published =
          admin
              .listOffsets(
                  committed.keySet().stream()
                      .collect(
                          java.util.stream.Collectors.toMap(
                              p -> p, p -> org.apache.kafka.clients.admin.OffsetSpec.latest())))
              .all()
              .get()
              .values()
              .stream()
              .mapToLong(o -> o.offset())
              .sum();
      for (var record : TestKafka.read(ORDERS_TOPIC, (int) published, Duration.ofSeconds(30))) {
        OffsetAndMetadata offset =
            committed.get(new TopicPartition(record.topic(), record.partition()));
        // what a relay published carries its event's id; other tests' records (a poison record,
        // say) need not even be JSON
        Header eventId = record.headers().lastHeader(EVENT_ID_HEADER);
        if (eventId == null) {
          continue;
        }
        UUID id = UUID.fromString(new String(eventId.value(), StandardCharsets.UTF_8));
        if (offset != null
            && record.offset() < offset.offset()
            && ours.contains(id)
            && HANDLED.contains(JSON.readTree(record.value()).get("type").asString())) {
          committedRecords++;
          if (!processed.contains(id)) {
            committedButNotProcessed.add(id);
          }
        }
      }
      System.out.printf(
          "inventory-service stopped: %d order events on the topic, %d of this platform's"
              + " handled ones committed, %d processed%n",
          published, committedRecords, processed.size());
      assertThat(committedRecords).isPositive();
      assertThat(committedButNotProcessed)
          .as("an offset is committed only after its event's effect is")
          .isEmpty();
    }
  }

  @Test
  void aTerminatedInstanceTurnsUnreadyWhileItFinishesTheRequestInFlight() throws Exception {
    Instance instance = platform.running(Topology.ORDER_SERVICE);
    HttpJson direct = platform.direct(instance);
    HttpJson management = Platform.management(instance);
    CompletableFuture<Response> inFlight;
    List<String> observed = new ArrayList<>();
    try (Connection lock = DriverManager.getConnection(platform.ordersUrl, "postgres", "")) {
      lock.setAutoCommit(false);
      try (Statement statement = lock.createStatement()) {
        // new orders wait on this lock: the request below stays in flight until it is released
        statement.execute("LOCK TABLE orders IN SHARE MODE");
      }
      inFlight = CompletableFuture.supplyAsync(() -> direct.postOnce("/api/orders", order()));
      await().atMost(Duration.ofSeconds(30)).until(() -> waitingOnLock(lock));
      assertThat(inFlight).isNotDone();

      instance.process().terminate();
      Await.until(() -> observed.add(readiness(management)) && observed.contains("refused"))
          .every(Duration.ofMillis(20))
          .within(Duration.ofSeconds(10));
      lock.rollback();
    }
    Response placed = inFlight.get();
    int exit = instance.process().awaitExit(Duration.ofSeconds(30));

    System.out.println("readiness after SIGTERM, every 20 ms: " + observed);
    assertThat(observed).as("readiness after SIGTERM").contains("503 OUT_OF_SERVICE");
    assertThat(observed.subList(observed.indexOf("503 OUT_OF_SERVICE"), observed.size()))
        .as("never ready again once it turned unready")
        .doesNotContain("200 UP");
    assertThat(placed.status()).as("the request in flight").isEqualTo(201);
    String id = placed.header("Location").substring(placed.header("Location").lastIndexOf('/') + 1);
    assertThat(
            platform
                .orders
                .sql("SELECT count(*) FROM orders WHERE id = ?::uuid")
                .param(id)
                .query(Long.class)
                .single())
        .isEqualTo(1);
    assertThat(exit).as("exit code after SIGTERM").isIn(0, 143);
  }

  private static String order() {
    return OrderRequest.of("DRAIN-1", 1).json();
  }

  private static String readiness(HttpJson instance) {
    try {
      Response response = instance.get("/actuator/health/readiness");
      return response.status() + " " + JSON.readTree(response.body()).get("status").asString();
    } catch (RuntimeException refused) {
      return "refused";
    }
  }

  private static boolean waitingOnLock(Connection lock) throws Exception {
    try (Statement statement = lock.createStatement();
        var rows =
            statement.executeQuery(
                "SELECT count(*) FROM pg_stat_activity"
                    + " WHERE wait_event_type = 'Lock' AND datname = current_database()")) {
      rows.next();
      return rows.getLong(1) > 0;
    }
  }

  private static long reservations() {
    return platform.inventory.sql("SELECT count(*) FROM bulwark.inbox").query(Long.class).single();
  }

  private static List<UUID> processedEventIds() {
    return platform.inventory.sql("SELECT message_id FROM bulwark.inbox").query(UUID.class).list();
  }

  private static Admin admin() {
    return Admin.create(
        Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers()));
  }

  private static ConsumerGroupDescription group(Admin admin) throws Exception {
    return admin
        .describeConsumerGroups(List.of("inventory-service"))
        .all()
        .get()
        .get("inventory-service");
  }
}
