package io.bulwark.system;

import io.bulwark.fixtures.load.OrderLoad;
import io.bulwark.harness.postgres.PostgresPair;
import org.junit.jupiter.api.Test;

/**
 * The application side of a database failover, on real processes, without an HA engine: the
 * services run on a primary with a synchronous standby (multi-host JDBC URL, {@code
 * targetServerType=primary}); under a steady order load the primary's postmaster is killed and the
 * standby promoted with {@code pg_ctl promote}, as an HA engine would. Every acknowledged order
 * must exist once and end its saga; nothing else may exist. ({@code
 * PatroniFailoverChaosSystemTests} does the same with Patroni deciding.)
 */
@SystemTest(databases = SystemTest.Databases.PAIR)
class PrimaryPromotionFailoverSystemTests {

  private static PostgresPair pair;
  private static Platform platform;

  @Test
  void everyAcknowledgedOrderSurvivesThePrimarysDeathAndEndsItsSaga() throws Exception {
    OrderLoad load = OrderLoad.start(platform.client(), 4);
    Thread.sleep(5_000);

    pair.killPrimary();
    long killed = System.nanoTime(); // the postmaster is dead from here on
    Thread.sleep(2_000); // the reaction time of an HA engine
    pair.promoteStandby();
    Thread.sleep(8_000);
    load.stop();

    System.out.printf(
        "failover by promotion: %d orders acknowledged, write outage %.1f s (2 s of it the simulated"
            + " HA reaction)%n",
        load.acknowledgedIds().size(), load.writeOutageAfter(killed));
    platform.assertNothingLost(load, pair.standbyUrl("orders"), pair.standbyUrl("inventory"));
    // every order's trace whole across the primary's death: its event published in its request's
    SagaTraces.assertPublishedInTheirRequestsTrace(platform.traces, load.acknowledgedIds());
  }
}
