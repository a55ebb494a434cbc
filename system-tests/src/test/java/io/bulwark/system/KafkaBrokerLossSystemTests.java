package io.bulwark.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.bulwark.harness.Await;
import io.bulwark.harness.kafka.KafkaCluster;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Kafka losing brokers under a steady order load through the gateway, on a cluster of three (every
 * topic on all three, a write on two at least). One broker killed costs nothing: orders go on being
 * acknowledged and their sagas go on concluding while it is down. All three down for a minute cost
 * only time: orders are still acknowledged (the database takes them, the outbox keeps their
 * events), and once the brokers are back the outboxes drain and every saga concludes. Either way
 * the history check decides: every acknowledged order exists once and is confirmed, no other
 * exists, the stock adds up.
 */
@SystemTest(kafka = SystemTest.Brokers.THREE)
class KafkaBrokerLossSystemTests {

  private static final String ORDER_EVENTS = "bulwark.orders.events";

  private static KafkaCluster kafka;
  private static Platform platform;

  @AfterEach
  void everyBrokerRunsAgain() {
    kafka.restartStopped();
  }

  @Test
  void aBrokerKilledUnderLoadLosesNoOrderAndStopsNoSaga() throws Exception {
    OrderLoad load = OrderLoad.start(platform.client(), 4);
    try {
      awaitConfirmed(confirmed() + 20, Duration.ofSeconds(60));
      KafkaCluster.Node leader = leaderOf(ORDER_EVENTS);

      leader.kill();
      long killed = System.nanoTime();
      long confirmedAtKill = confirmed();
      // sagas conclude with the broker still dead: its partitions have new leaders on the others
      awaitConfirmed(confirmedAtKill + 100, Duration.ofSeconds(90));
      double outage = load.writeOutageAfter(killed);
      assertThat(leader.isRunning()).isFalse();
      System.out.printf(
          "kafka: %s (leader of %s) killed; %d more sagas concluded while it was down; write"
              + " outage %.1f s%n",
          leader.name(), ORDER_EVENTS, confirmed() - confirmedAtKill, outage);
    } finally {
      load.stop();
    }
    load.assertNothingLost(platform, platform.ordersUrl, platform.inventoryUrl);
  }

  @Test
  void everyBrokerDownForAMinuteLosesNoOrderAndEverySagaConcludesOnceTheyAreBack()
      throws Exception {
    OrderLoad load = OrderLoad.start(platform.client(), 4);
    int acknowledgedWhileDown;
    long unpublished;
    try {
      awaitConfirmed(confirmed() + 20, Duration.ofSeconds(60));
      kafka.nodes().forEach(KafkaCluster.Node::kill);
      long down = System.nanoTime();
      Thread.sleep(60_000);
      acknowledgedWhileDown = load.acknowledgedSince(down);
      unpublished = unpublishedEvents();
    } finally {
      load.stop();
    }
    assertThat(acknowledgedWhileDown)
        .as("orders acknowledged with every broker down: the database takes them")
        .isPositive();
    assertThat(unpublished).as("their events wait in the outbox").isPositive();

    kafka.restartStopped();
    long back = System.nanoTime();
    Await.until(() -> unpublishedEvents() == 0)
        .every(Duration.ofMillis(250))
        .within(Duration.ofSeconds(300), () -> unpublishedEvents() + " events never published");
    double drained = (System.nanoTime() - back) / 1e9;

    // an order still waiting for inventory's answer when the saga's deadline (30 s) passed is
    // rejected by that deadline, and what inventory reserved for it is released
    Map<String, Long> concluded =
        load.assertNothingLost(
            platform,
            platform.ordersUrl,
            platform.inventoryUrl,
            OrderLoad.Concluded.CONFIRMED_OR_PAST_DEADLINE);
    System.out.printf(
        "kafka: every broker down for 60 s; %d orders acknowledged meanwhile, %d events held in the"
            + " outbox, drained %.1f s after the brokers were back; sagas concluded %s%n",
        acknowledgedWhileDown, unpublished, drained, concluded);
  }

  private static long confirmed() {
    return platform
        .orders
        .sql("SELECT count(*) FROM orders WHERE status = 'CONFIRMED'")
        .query(Long.class)
        .single();
  }

  private static long unpublishedEvents() {
    return platform
        .orders
        .sql("SELECT count(*) FROM bulwark.outbox WHERE published_at IS NULL")
        .query(Long.class)
        .single();
  }

  private static void awaitConfirmed(long count, Duration timeout) {
    Await.until(() -> confirmed() >= count)
        .every(Duration.ofMillis(250))
        .within(timeout, () -> "only " + confirmed() + " orders confirmed, not " + count);
  }

  /** The node leading partition 0 of the topic. */
  private static KafkaCluster.Node leaderOf(String topic) throws Exception {
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      TopicDescription description =
          admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
      assertThat(description.partitions().get(0).replicas())
          .as("every partition on all three brokers")
          .hasSize(3);
      int leader = description.partitions().get(0).leader().id();
      return kafka.nodes().stream().filter(node -> node.id() == leader).findFirst().orElseThrow();
    }
  }
}
