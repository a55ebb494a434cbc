package io.bulwark.system;

import io.bulwark.harness.Await;
import io.bulwark.harness.net.Partitions;
import io.bulwark.harness.postgres.PatroniCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Chaos with a real HA engine: the services' databases on a Patroni pair (primary and synchronous
 * standby, etcd as the store); under a steady order load through the gateway the primary's
 * postmaster and its Patroni agent are killed together, Patroni fails over, and the dead node is
 * restarted and rejoins as the standby; then the new primary is cut off the network, silently, with
 * everything on it still running (failing back), and rejoins once the partition ends. One lost
 * acknowledged order fails the test; the write outage of each fault is reported.
 */
@SystemTest(databases = SystemTest.Databases.PATRONI)
class PatroniFailoverChaosSystemTests {

  private static PatroniCluster cluster;
  private static Platform platform;
  private static Partitions partitions;

  @Test
  void killingThePrimaryAndThenCuttingTheNewOneOffUnderLoadLosesNoAcknowledgedOrder()
      throws Exception {
    OrderLoad load = OrderLoad.start(platform.client(), 4);
    Thread.sleep(5_000);
    List<String> outages = new ArrayList<>();

    PatroniCluster.Node first = cluster.awaitPrimary(Duration.ofSeconds(30));
    first.crash();
    long killed = System.nanoTime(); // postmaster and agent are dead from here on
    PatroniCluster.Node second = cluster.awaitPrimary(Duration.ofSeconds(90));
    first.restart();
    first.awaitSyncStandby(Duration.ofSeconds(120));
    Thread.sleep(3_000);
    outages.add(report(load, killed, "crash", first, second));

    // where this machine cannot drop packets, the second fault is a crash too, and says so
    boolean partition = partitions != null;
    if (partition) {
      second.cutOff(); // its packets are dropped from here on, nothing is closed
    } else {
      System.out.println(
          "patroni chaos: a crash instead of a partition: " + Partitions.requirement());
      second.crash();
    }
    long cut = System.nanoTime();
    PatroniCluster.Node third =
        Await.untilPresent(
                () ->
                    cluster.nodes().stream().filter(n -> n != second && n.isPrimary()).findFirst())
            .within(Duration.ofSeconds(90), () -> "no primary after the cut\n" + cluster.logs());
    Thread.sleep(5_000); // writes go on while the old primary is still cut off
    if (partition) {
      second.reconnect();
    } else {
      second.restart();
    }
    second.awaitSyncStandby(Duration.ofSeconds(120));
    Thread.sleep(3_000);
    outages.add(report(load, cut, partition ? "partition" : "crash", second, third));
    load.stop();

    System.out.printf(
        "patroni chaos: %d orders acknowledged, write outages %s%n",
        load.acknowledgedIds().size(), outages);
    String orders = cluster.jdbcUrl("orders");
    String inventory = cluster.jdbcUrl("inventory");
    load.assertNothingLost(platform, orders, inventory);
  }

  private static String report(
      OrderLoad load,
      long faultNanos,
      String fault,
      PatroniCluster.Node lost,
      PatroniCluster.Node next) {
    double outage = load.writeOutageAfter(faultNanos);
    System.out.printf(
        "patroni %s: %s lost, %s took over, write outage %.1f s%n",
        fault, lost.name(), next.name(), outage);
    return "%s %.1f s".formatted(fault, outage);
  }
}
