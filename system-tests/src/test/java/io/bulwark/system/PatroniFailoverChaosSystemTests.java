package io.bulwark.system;

import io.bulwark.harness.postgres.PatroniCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Chaos with a real HA engine: the services' databases on a Patroni pair (primary and synchronous
 * standby, etcd as the store); under a steady order load through the gateway the primary's
 * postmaster and its Patroni agent are killed together, Patroni fails over, the dead node is
 * restarted and rejoins as the standby, and then the new primary is killed too (failing back). One
 * lost acknowledged order fails the test; the write outage of each kill is reported.
 */
@SystemTest(databases = SystemTest.Databases.PATRONI)
class PatroniFailoverChaosSystemTests {

  private static PatroniCluster cluster;
  private static Platform platform;

  @Test
  void killingThePrimaryTwiceUnderLoadLosesNoAcknowledgedOrder() throws Exception {
    OrderLoad load = OrderLoad.start(platform.client(), 4);
    Thread.sleep(5_000);
    List<Double> outages = new ArrayList<>();

    for (int kill = 1; kill <= 2; kill++) {
      PatroniCluster.Node primary = cluster.awaitPrimary(Duration.ofSeconds(30));
      primary.crash();
      long killed = System.nanoTime(); // postmaster and agent are dead from here on
      PatroniCluster.Node next = cluster.awaitPrimary(Duration.ofSeconds(90));
      primary.restart();
      primary.awaitSyncStandby(Duration.ofSeconds(120));
      Thread.sleep(3_000);
      double outage = load.writeOutageAfter(killed);
      outages.add(outage);
      System.out.printf(
          "patroni kill %d: %s died, %s took over, write outage %.1f s%n",
          kill, primary.name(), next.name(), outage);
    }
    load.stop();

    System.out.printf(
        "patroni chaos: %d orders acknowledged, write outages %s s%n",
        load.acknowledgedIds().size(), outages);
    String orders = cluster.jdbcUrl("orders");
    String inventory = cluster.jdbcUrl("inventory");
    load.assertNothingLost(platform, orders, inventory);
  }
}
