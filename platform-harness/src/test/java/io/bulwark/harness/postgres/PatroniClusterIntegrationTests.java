package io.bulwark.harness.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.sql.DriverManager;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class PatroniClusterIntegrationTests {

  @Test
  void aCrashedPrimaryIsReplacedByItsSyncStandbyAndRejoinsAsAStandby() throws Exception {
    assumeTrue(
        PatroniCluster.available(),
        "needs Debian's patroni and etcd-server packages (.ci/run installs them)");
    try (PatroniCluster cluster = PatroniCluster.start(2)) {
      PatroniCluster.Node first = cluster.awaitPrimary(Duration.ofSeconds(30));
      cluster.createDatabase("probe");
      try (var c = DriverManager.getConnection(cluster.jdbcUrl("probe"), "postgres", "")) {
        c.createStatement().execute("CREATE TABLE t (v int); INSERT INTO t VALUES (1)");
      }

      first.crash();
      PatroniCluster.Node second = cluster.awaitPrimary(Duration.ofSeconds(60));
      first.restart();
      first.awaitSyncStandby(Duration.ofSeconds(120));

      assertThat(second).isNotSameAs(first);
      assertThat(first.isPrimary()).isFalse();
      assertThat(first.isSyncStandby()).as("the old primary rejoined as the sync standby").isTrue();
      try (var c = DriverManager.getConnection(cluster.jdbcUrl("probe"), "postgres", "");
          var rs = c.createStatement().executeQuery("SELECT count(*) FROM t")) {
        rs.next();
        assertThat(rs.getInt(1)).as("the committed row survived").isEqualTo(1);
      }
    }
  }
}
