package io.bulwark.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.bulwark.fixtures.load.OrderLoad;
import io.bulwark.harness.Await;
import io.bulwark.harness.auth.Identities;
import io.bulwark.harness.client.OrderRequest;
import io.bulwark.harness.client.PlatformClient;
import io.bulwark.harness.http.HttpJson;
import io.bulwark.harness.net.Partitions;
import io.bulwark.harness.platform.PlatformLauncher.Instance;
import io.bulwark.harness.postgres.FailoverWatch;
import io.bulwark.harness.postgres.PatroniCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

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
    assertNoFailoverUnderLoadFor(calm());
    List<String> outages = new ArrayList<>();

    PatroniCluster.Node first = cluster.awaitPrimary(Duration.ofSeconds(30));
    FailoverWatch crashWatch = cluster.watchFailover(first);
    first.crash();
    long killed = System.nanoTime(); // postmaster and agent are dead from here on
    PatroniCluster.Node second = cluster.awaitPrimary(Duration.ofSeconds(90));
    first.restart();
    first.awaitSyncStandby(Duration.ofSeconds(120));
    Thread.sleep(3_000);
    outages.add(report(load, crashWatch, killed, "crash", first, second));

    // where this machine cannot drop packets, the second fault is a crash too, and says so
    boolean partition = partitions != null;
    FailoverWatch cutWatch = cluster.watchFailover(second);
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
    outages.add(report(load, cutWatch, cut, partition ? "partition" : "crash", second, third));
    load.stop();

    System.out.printf(
        "patroni chaos: %d orders acknowledged, write outages %s%n",
        load.acknowledgedIds().size(), outages);
    String orders = cluster.jdbcUrl("orders");
    String inventory = cluster.jdbcUrl("inventory");
    platform.assertNothingLost(load, orders, inventory);
  }

  /**
   * The failover from the console, as an operator would cause and watch it: under the chaos page's
   * steady load the operator kills the primary; the page shows the new primary (another server on a
   * later timeline), the outage from the kill to the first acknowledged order sent after it, and,
   * once the load is stopped, that no acknowledged order was lost. The health page, opened during
   * the failover, shows the new primary without its standby. The killed node is started again
   * afterwards, as the local run's supervisor does.
   */
  @Test
  void theOperatorKillsThePrimaryFromTheChaosPageAndSeesTheNewPrimaryTheOutageAndNothingLost() {
    assumeTrue(Chromium.available(), "needs /usr/bin/chromium and /usr/bin/chromedriver");
    Duration shown = Duration.ofSeconds(90);
    PatroniCluster.Node first = cluster.awaitPrimary(Duration.ofSeconds(30));
    int timeline = first.timeline();
    try (Chromium browser =
        Chromium.signedIn(platform, "/console/chaos", Identities.OPERATOR, Chromium.Size.DESKTOP)) {
      String before =
          browser.await(
              shown,
              d -> {
                String now = d.findElement(By.id("now")).getText();
                return now.contains("order-service database") ? now : null;
              });
      assertThat(before).contains(":" + first.pgPort() + " (primary), timeline " + timeline);
      ChaosPage chaos = new ChaosPage(browser);
      chaos.startLoad(20);
      assertThat(chaos.action("kill-primary").getText()).doesNotContain("Not here");
      chaos.ask("kill-primary", Map.of());

      long outage = chaos.awaitOutageMillis();
      PatroniCluster.Node second = cluster.awaitPrimary(Duration.ofSeconds(30));
      assertThat(second).isNotSameAs(first);
      chaos.awaitLogged("promoted in");
      assertThat(second.timeline()).as("a promotion starts a timeline").isGreaterThan(timeline);
      String newPrimary = ":" + second.pgPort() + " (primary), timeline " + second.timeline();
      browser.await(
          shown, d -> d.findElement(By.id("now")).getText().contains(newPrimary) ? d : null);
      System.out.printf(
          "console failover: %s killed, %s promoted, outage on the page %d ms%n",
          first.name(), second.name(), outage);
      try (Chromium health =
          Chromium.signedIn(
              platform, "/console/health", Identities.OPERATOR, Chromium.Size.DESKTOP)) {
        health.await(
            shown,
            d ->
                d.findElement(By.id("service-order-service"))
                        .getText()
                        .contains(":" + second.pgPort())
                    ? d
                    : null);
        health.screenshotWholePage("console-health-after-failover");
      }

      assertThat(chaos.stopAndCheck()).contains(" 0 acknowledged orders lost");
      assertThat(chaos.lost()).isEqualTo("0");
      browser.screenshotWholePage("console-chaos-failover");
    } finally {
      if (!first.agentAlive()) {
        first.restart();
        first.awaitSyncStandby(Duration.ofSeconds(120));
      }
    }
  }

  /**
   * Reads through the gateway go to the standby where they may, and a customer still reads their
   * own order right after placing it, by its id and in their list, and a stock level right after it
   * was set.
   */
  @Test
  void aCustomerReadsTheirOwnOrderRightAfterPlacingItWhileTheStandbyServesTheReads() {
    PlatformClient client = platform.client();
    client.setStock("STANDBY-READ-1", 1_000);
    HttpJson customer = client.http();
    for (int i = 0; i < 100; i++) {
      String id = client.placedOrderId(OrderRequest.of("STANDBY-READ-1", 1));
      assertThat(customer.get("/api/orders/" + id).status())
          .as("order %d read by its id right after it was placed", i)
          .isEqualTo(200);
      assertThat(customer.get("/api/orders?limit=1").body())
          .as("order %d first in its customer's list", i)
          .contains(id);
    }
    for (int level = 1; level <= 20; level++) {
      client.setStock("STANDBY-READ-2", level);
      assertThat(customer.get("/api/inventory/STANDBY-READ-2").body())
          .as("the stock level read right after it was set")
          .contains("\"available\":" + level);
    }
    double standby = 0;
    for (Instance instance :
        List.of(platform.orderInstances.get(0), platform.inventoryInstances.get(0))) {
      String metrics =
          Platform.management(instance)
              .send("GET", "/actuator/prometheus", null, null, Map.of("Accept", "text/plain"))
              .body();
      Matcher served =
          Pattern.compile("bulwark_standby_reads_total\\{[^}]*served=\"standby\"[^}]*\\} (\\S+)")
              .matcher(metrics);
      assertThat(served.find()).as(instance.name() + " counts its standby reads").isTrue();
      System.out.printf(
          "standby reads: %s served %s reads from the standby%n", instance.name(), served.group(1));
      standby += Double.parseDouble(served.group(1));
    }
    assertThat(standby).as("reads the standby served").isPositive();
  }

  /**
   * The other side of a short leader key: a healthy primary under load keeps it. Checked on the
   * primary's timeline (any promotion starts a new one) and by watching which node is primary.
   */
  private static void assertNoFailoverUnderLoadFor(Duration calm) throws InterruptedException {
    PatroniCluster.Node primary = cluster.awaitPrimary(Duration.ofSeconds(30));
    int timeline = primary.timeline();
    Set<String> primaries = new TreeSet<>();
    long end = System.nanoTime() + calm.toNanos();
    while (System.nanoTime() < end) {
      cluster.primary().ifPresent(node -> primaries.add(node.name()));
      Thread.sleep(500);
    }
    System.out.printf(
        "patroni calm: %s under load, primaries seen %s, timeline %d then %d%n",
        calm, primaries, timeline, primary.timeline());
    assertThat(primaries).as("no failover without a fault").containsExactly(primary.name());
    assertThat(primary.timeline()).as("no promotion without a fault").isEqualTo(timeline);
  }

  /** 30 s in CI; {@code -Dbulwark.calm.duration=PT10M} for the long run. */
  private static Duration calm() {
    return Duration.parse(System.getProperty("bulwark.calm.duration", "PT30S"));
  }

  /** The fault's write outage, and its parts: the HA engine's detection, promotion, reconnect. */
  private static String report(
      OrderLoad load,
      FailoverWatch watch,
      long faultNanos,
      String fault,
      PatroniCluster.Node lost,
      PatroniCluster.Node next)
      throws InterruptedException {
    double outage = load.writeOutageAfter(faultNanos);
    FailoverWatch.Breakdown breakdown = watch.breakdown(faultNanos, outage, Duration.ofSeconds(30));
    watch.close();
    System.out.printf(
        "patroni %s: %s lost, %s took over, write outage %.1f s (%s)%n",
        fault, lost.name(), next.name(), outage, breakdown);
    return "%s %.1f s".formatted(fault, outage);
  }
}
