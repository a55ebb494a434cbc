package io.bulwark.harness.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.bulwark.harness.Await;
import io.bulwark.harness.process.FreePorts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.List;
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

      assertThat(fsync(cluster))
          .as("a throw-away cluster trades durability for speed")
          .isEqualTo("off");
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

  @Test
  void aKeptClusterFlushesItsCommitsToDiskAndStillDoesWhenStartedAgain() throws Exception {
    assumeTrue(
        PatroniCluster.available(),
        "needs Debian's patroni and etcd-server packages (.ci/run installs them)");
    // not JUnit's temporary directory: the postgres user must reach the cluster's files
    Path dir = Files.createTempDirectory("bulwark-patroni-kept-");
    int etcd = FreePorts.next();
    List<int[]> nodes =
        List.of(
            new int[] {FreePorts.next(), FreePorts.next()},
            new int[] {FreePorts.next(), FreePorts.next()});
    try {
      for (int start = 1; start <= 2; start++) {
        try (PatroniCluster cluster = PatroniCluster.start(dir, etcd, etcd + 1, nodes)) {
          cluster.awaitPrimary(Duration.ofSeconds(30));
          Await.until(() -> "on".equals(fsync(cluster)))
              .within(Duration.ofSeconds(30), () -> "fsync is not on");
          assertThat(fsync(cluster)).as("start " + start).isEqualTo("on");
        }
      }
    } finally {
      try (var files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      }
    }
  }

  private static String fsync(PatroniCluster cluster) {
    try (var c = DriverManager.getConnection(cluster.jdbcUrl("postgres"), "postgres", "");
        var rs = c.createStatement().executeQuery("SHOW fsync")) {
      rs.next();
      return rs.getString(1);
    } catch (java.sql.SQLException e) {
      return "unknown: " + e.getMessage();
    }
  }
}
