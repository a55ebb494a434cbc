package io.bulwark.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.bulwark.fixtures.load.OrderLoad;
import io.bulwark.harness.Await;
import io.bulwark.harness.kafka.KafkaCluster;
import io.bulwark.harness.net.Partitions;
import io.bulwark.harness.platform.PlatformLauncher.Instance;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Kafka losing brokers under a steady order load through the gateway, on a cluster of three (every
 * topic on all three, a write on two at least). One broker killed, or cut off the network, costs
 * nothing: orders go on being acknowledged and their sagas go on concluding while it is gone. All
 * three down for a minute cost only time: orders are still acknowledged (the database takes them,
 * the outbox keeps their events, even across the relay's restart), and once the brokers are back
 * the outboxes drain and every saga concludes. Either way the history check decides: every
 * acknowledged order exists once and is confirmed, no other exists, the stock adds up.
 */
@SystemTest(kafka = SystemTest.Brokers.THREE)
class KafkaBrokerLossSystemTests {

  private static final String ORDER_EVENTS = "bulwark.orders.events";

  private static KafkaCluster kafka;
  private static Platform platform;
  private static Partitions partitions;

  @AfterEach
  void everyBrokerRunsAgain() {
    kafka.nodes().forEach(KafkaCluster.Node::reconnect);
    kafka.restartStopped();
  }

  @Test
  void aBrokerKilledUnderLoadLosesNoOrderAndStopsNoSaga() throws Exception {
    loseTheLeaderUnderLoad("killed", KafkaCluster.Node::kill, node -> {});
  }

  /**
   * Silently, not with a kill: the leader's packets are dropped, its connections stay open, and the
   * controller fences it only once its heartbeats have been missing for the broker session timeout.
   */
  @Test
  void aBrokerCutOffUnderLoadLosesNoOrderAndStopsNoSaga() throws Exception {
    assumeTrue(partitions != null, Partitions.requirement());
    loseTheLeaderUnderLoad("cut off", KafkaCluster.Node::cutOff, KafkaCluster.Node::reconnect);
  }

  private static void loseTheLeaderUnderLoad(
      String how, Consumer<KafkaCluster.Node> lose, Consumer<KafkaCluster.Node> heal)
      throws Exception {
    OrderLoad load = OrderLoad.start(platform.client(), 4);
    try {
      awaitConfirmed(confirmed() + 20, Duration.ofSeconds(60));
      KafkaCluster.Node leader = leaderOf(ORDER_EVENTS);

      lose.accept(leader);
      long lost = System.nanoTime();
      long confirmedAtLoss = confirmed();
      // sagas conclude with the broker still gone: its partitions have new leaders on the others
      awaitConfirmed(confirmedAtLoss + 100, Duration.ofSeconds(90));
      double hundred = (System.nanoTime() - lost) / 1e9;
      double outage = load.writeOutageAfter(lost);
      System.out.printf(
          "kafka: %s (leader of %s) %s; %d more sagas concluded while it was gone, the first 100 in"
              + " %.1f s; write outage %.1f s%n",
          leader.name(), ORDER_EVENTS, how, confirmed() - confirmedAtLoss, hundred, outage);
      heal.accept(leader);
    } finally {
      load.stop();
    }
    platform.assertNothingLost(load, platform.ordersUrl, platform.inventoryUrl);
  }

  @Test
  void everyBrokerDownForAMinuteLosesNoOrderAndEverySagaConcludesOnceTheyAreBack()
      throws Exception {
    OrderLoad load = OrderLoad.start(platform.client(), 4);
    int acknowledgedWhileDown;
    long unpublished;
    List<String> placedWhileDown;
    try {
      awaitConfirmed(confirmed() + 20, Duration.ofSeconds(60));
      kafka.nodes().forEach(KafkaCluster.Node::kill);
      long down = System.nanoTime();
      Thread.sleep(50_000);
      // placed at least 10 s before order-service is killed below, so their requests' spans have
      // left it (spans are exported every 5 s; a process killed loses the ones it still holds)
      placedWhileDown = load.acknowledgedIdsSince(down);
      Thread.sleep(10_000);
      acknowledgedWhileDown = load.acknowledgedSince(down);
      unpublished = unpublishedEvents();
      // and the relay restarts while those events wait: order-service killed and started again,
      // so they are published by a relay that was not the one there when they were stored
      Instance relay = platform.orderInstances.get(0);
      relay.process().kill();
      platform.restartOnItsPort(relay);
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

    // an order still waiting for inventory's answer when the saga's deadline (60 s) passed is
    // rejected by that deadline, and what inventory reserved for it is released
    Map<String, Long> concluded =
        platform.assertNothingLost(
            load,
            platform.ordersUrl,
            platform.inventoryUrl,
            OrderLoad.Concluded.CONFIRMED_OR_PAST_DEADLINE);
    // their events waited in the outbox for a minute or more, the relay restarted meanwhile, yet
    // each continues its request's trace
    SagaTraces.assertPublishedInTheirRequestsTrace(platform.traces, placedWhileDown);
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
