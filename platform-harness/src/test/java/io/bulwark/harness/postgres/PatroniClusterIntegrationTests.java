package io.bulwark.harness.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.bulwark.harness.Await;
import io.bulwark.harness.net.Partitions;
import io.bulwark.harness.process.FreePorts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
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

  /**
   * Fencing: a primary that stalls longer than its leader key lives, and then goes on as if nothing
   * happened, must not acknowledge a write that the new primary does not have. What fences it here
   * is synchronous replication: the old primary still waits for its synchronous standby, which has
   * been promoted and streams from it no more, so a commit there waits unacknowledged until the
   * thawed agent sees the key is gone and demotes it, ending those sessions with an error.
   */
  @Test
  void aPrimaryFrozenPastItsLeaderKeyAndThawedAcknowledgesNoWriteThatIsLost() throws Exception {
    assumeTrue(
        PatroniCluster.available(),
        "needs Debian's patroni and etcd-server packages (.ci/run installs them)");
    try (PatroniCluster cluster = PatroniCluster.start(2)) {
      PatroniCluster.Node old = cluster.awaitPrimary(Duration.ofSeconds(30));
      cluster.createDatabase("fence");
      try (var c = DriverManager.getConnection(cluster.jdbcUrl("fence"), "postgres", "")) {
        c.createStatement().execute("CREATE TABLE t (id text PRIMARY KEY)");
      }
      cluster.awaitSyncStandby(Duration.ofSeconds(60));

      old.freeze();
      PatroniCluster.Node next =
          Await.untilPresent(
                  () -> cluster.nodes().stream().filter(n -> n != old && n.isPrimary()).findFirst())
              .within(Duration.ofSeconds(60), () -> "no new primary\n" + cluster.logs());
      // acknowledged by the new primary while the old one is frozen: what a split brain would lose
      String nextPrimary = "jdbc:postgresql://127.0.0.1:" + next.pgPort() + "/fence";
      try (var c = DriverManager.getConnection(nextPrimary, "postgres", "")) {
        c.createStatement().execute("INSERT INTO t VALUES ('written-on-the-new-primary')");
      }

      String oldPrimary =
          "jdbc:postgresql://127.0.0.1:" + old.pgPort() + "/fence?connectTimeout=2&loginTimeout=3";
      Queue<String> acknowledged = new ConcurrentLinkedQueue<>();
      AtomicInteger refused = new AtomicInteger();
      AtomicBoolean writing = new AtomicBoolean(true);
      List<Thread> writers = new ArrayList<>();
      for (int w = 0; w < 4; w++) {
        writers.add(
            startWriting(
                oldPrimary, writing, acknowledged, refusedOrEnded -> refused.incrementAndGet()));
      }
      old.thaw();
      old.awaitSyncStandby(Duration.ofSeconds(120));
      writing.set(false);
      for (Thread writer : writers) {
        writer.join(60_000);
      }

      System.out.printf(
          "fencing: %s frozen, %s promoted; after the thaw the old primary acknowledged %d writes,"
              + " refused or ended %d%n",
          old.name(), next.name(), acknowledged.size(), refused.get());
      List<String> kept;
      try (var c = DriverManager.getConnection(cluster.jdbcUrl("fence"), "postgres", "");
          var rs = c.createStatement().executeQuery("SELECT id FROM t")) {
        List<String> ids = new ArrayList<>();
        while (rs.next()) {
          ids.add(rs.getString(1));
        }
        kept = ids;
      }
      assertThat(next.isPrimary()).as("the thawed node never took the leader key back").isTrue();
      assertThat(kept)
          .as("the new primary's write, and every write the old primary acknowledged")
          .contains("written-on-the-new-primary")
          .containsAll(acknowledged);
      assertThat(refused.get()).as("writes were tried on the thawed primary").isPositive();
    }
  }

  /**
   * A partition, not a crash: the primary's machine drops off the network with everything on it
   * still running. Nobody is refused (a connection attempt times out, it is not reset); the standby
   * is promoted once the old primary's key expires, and the old primary, unable to reach its
   * synchronous standby or etcd, acknowledges nothing meanwhile that the new primary lacks. Back on
   * the network, it rejoins as the standby. The cut is made as the benchmark makes it on the local
   * run: through a view attached to a cluster it did not start, with firewall rules of its own.
   */
  @Test
  void aPartitionedPrimaryIsReplacedSilentlyAndRejoinsWithoutLosingAnAcknowledgedWrite()
      throws Exception {
    assumeTrue(
        PatroniCluster.available(),
        "needs Debian's patroni and etcd-server packages (.ci/run installs them)");
    assumeTrue(Partitions.available(), Partitions.requirement());
    try (Partitions partitions = Partitions.open();
        PatroniCluster cluster = PatroniCluster.start(2, partitions);
        Partitions another = Partitions.open();
        PatroniCluster view =
            PatroniCluster.attach(
                cluster.dir,
                cluster.etcdPort,
                cluster.nodes().stream().map(n -> new int[] {n.pgPort(), n.restPort()}).toList(),
                another)) {
      PatroniCluster.Node old = view.awaitPrimary(Duration.ofSeconds(30));
      cluster.createDatabase("cut");
      try (var c = DriverManager.getConnection(cluster.jdbcUrl("cut"), "postgres", "")) {
        c.createStatement().execute("CREATE TABLE t (id text PRIMARY KEY)");
      }
      cluster.awaitSyncStandby(Duration.ofSeconds(60));
      String oldPrimary =
          "jdbc:postgresql://127.0.0.1:"
              + old.pgPort()
              + "/cut?connectTimeout=2&socketTimeout=3&loginTimeout=3";
      Queue<String> acknowledged = new ConcurrentLinkedQueue<>();
      Queue<String> failures = new ConcurrentLinkedQueue<>();
      AtomicBoolean writing = new AtomicBoolean(true);
      Thread writer =
          startWriting(
              oldPrimary, writing, acknowledged, e -> failures.add(String.valueOf(e.getMessage())));
      Thread.sleep(1_000);

      FailoverWatch watch = view.watchFailover(old);
      old.cutOff();
      long cut = System.nanoTime();
      PatroniCluster.Node next =
          Await.untilPresent(
                  () -> view.nodes().stream().filter(n -> n != old && n.isPrimary()).findFirst())
              .within(Duration.ofSeconds(60), () -> "no new primary\n" + cluster.logs());
      FailoverWatch.Breakdown breakdown =
          watch.breakdown(cut, (System.nanoTime() - cut) / 1e9, Duration.ofSeconds(30));
      watch.close();
      String nextPrimary = "jdbc:postgresql://127.0.0.1:" + next.pgPort() + "/cut";
      try (var c = DriverManager.getConnection(nextPrimary, "postgres", "")) {
        c.createStatement().execute("INSERT INTO t VALUES ('written-on-the-new-primary')");
      }
      int acknowledgedBeforeHeal = acknowledged.size();
      List<String> failedWhileCut = List.copyOf(failures);
      old.reconnect();
      old.awaitSyncStandby(Duration.ofSeconds(120));
      writing.set(false);
      writer.join(30_000);

      System.out.printf(
          "partition: %s cut off, %s promoted; the old primary acknowledged %d writes in all,"
              + " %d attempts failed%n",
          old.name(), next.name(), acknowledged.size(), failures.size());
      System.out.println("failed while cut off: " + new java.util.TreeSet<>(failedWhileCut));
      System.out.println("partition: " + breakdown);
      assertThat(breakdown.detected())
          .as("the old primary's leader key expired, seen through the attached view")
          .isPositive()
          .isLessThanOrEqualTo(breakdown.promoted());
      assertThat(failedWhileCut)
          .as("the partition timed out; nothing refused or reset a connection")
          .isNotEmpty()
          .noneMatch(message -> message.contains("refused") || message.contains("reset"));
      assertThat(acknowledgedBeforeHeal).as("writes were acknowledged before the cut").isPositive();
      List<String> kept = new ArrayList<>();
      try (var c = DriverManager.getConnection(cluster.jdbcUrl("cut"), "postgres", "");
          var rs = c.createStatement().executeQuery("SELECT id FROM t")) {
        while (rs.next()) {
          kept.add(rs.getString(1));
        }
      }
      assertThat(next.isPrimary()).as("the new primary kept the leader key").isTrue();
      assertThat(kept)
          .as("the new primary's write, and every write either primary acknowledged")
          .contains("written-on-the-new-primary")
          .containsAll(acknowledged);
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

  /** A thread inserting new ids at {@code url} until {@code writing} ends, noting each outcome. */
  private static Thread startWriting(
      String url,
      AtomicBoolean writing,
      Queue<String> acknowledged,
      java.util.function.Consumer<SQLException> failed) {
    Thread writer =
        new Thread(
            () -> {
              while (writing.get()) {
                String id = UUID.randomUUID().toString();
                try (var c = DriverManager.getConnection(url, "postgres", "");
                    var insert = c.prepareStatement("INSERT INTO t VALUES (?)")) {
                  insert.setString(1, id);
                  insert.executeUpdate();
                  acknowledged.add(id);
                } catch (SQLException e) {
                  failed.accept(e);
                }
              }
            });
    writer.start();
    return writer;
  }

  private static String fsync(PatroniCluster cluster) {
    try (var c = DriverManager.getConnection(cluster.jdbcUrl("postgres"), "postgres", "");
        var rs = c.createStatement().executeQuery("SHOW fsync")) {
      rs.next();
      return rs.getString(1);
    } catch (SQLException e) {
      return "unknown: " + e.getMessage();
    }
  }
}
