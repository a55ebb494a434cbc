package io.bulwark.reliability.standby;

import static org.assertj.core.api.Assertions.assertThat;

import io.bulwark.harness.postgres.PostgresPair;
import io.bulwark.reliability.standby.StandbyReads.Served;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Standby reads on a real primary and synchronous standby: every read right after its own write
 * sees it, whether the standby serves it (the usual case), lags (replay paused), is stopped, or has
 * been promoted; where the read went is what the test counts.
 */
class StandbyReadsIntegrationTests {

  private PostgresPair pair;
  private DataSource primary;
  private final Map<Served, AtomicInteger> served = new ConcurrentHashMap<>();
  private final List<Connection> discarded = new ArrayList<>();
  private StandbyReads reads;

  @BeforeEach
  void pairWithATable() throws SQLException {
    pair = PostgresPair.start();
    pair.createDatabase("reads");
    primary = source(pair.jdbcUrl("reads"));
    try (Connection c = primary.getConnection()) {
      c.createStatement().execute("CREATE TABLE t (id text PRIMARY KEY)");
    }
    // the database and its table on the standby too, before a test pauses its replay
    pair.awaitStandbyReplayed();
    reads =
        new StandbyReads(
            primary,
            source(pair.standbyUrl("reads")),
            Duration.ofMillis(50),
            Duration.ofSeconds(1),
            System::nanoTime,
            connection -> {
              discarded.add(connection);
              close(connection);
            },
            where -> served.computeIfAbsent(where, w -> new AtomicInteger()).incrementAndGet());
  }

  @AfterEach
  void stop() {
    pair.close();
  }

  @Test
  void aReadRightAfterItsOwnWriteSeesItAndTheStandbyServesIt() throws SQLException {
    for (int i = 0; i < 300; i++) {
      assertThat(readsBack(write())).as("read " + i + " sees its own write").isTrue();
    }
    System.out.println("standby reads, healthy: " + served);
    assertThat(count(Served.STANDBY)).as("reads the standby served").isGreaterThan(270);
  }

  @Test
  void aStandbyWhoseReplayIsPausedLeavesTheReadsToThePrimaryUntilItCatchesUp() throws SQLException {
    pair.pauseStandbyReplay(true);
    for (int i = 0; i < 20; i++) {
      assertThat(readsBack(write())).as("read " + i + " while the standby lags").isTrue();
    }
    assertThat(count(Served.PRIMARY_STANDBY_BEHIND))
        .as("reads by where served: %s", served)
        .isEqualTo(20);
    assertThat(count(Served.STANDBY)).isZero();

    pair.pauseStandbyReplay(false);
    assertThat(readsBack(write())).isTrue();
    assertThat(count(Served.STANDBY)).as("served by the standby once it caught up").isOne();
  }

  @Test
  void aStoppedStandbyLeavesTheReadsToThePrimaryWithoutAskingItAgainAtEveryRead() throws Exception {
    pair.stopStandby();
    long started = System.nanoTime();
    for (int i = 0; i < 50; i++) {
      assertThat(readsBack(write())).as("read " + i + " with the standby stopped").isTrue();
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    System.out.printf("standby stopped: 50 writes and reads in %.2f s, %s%n", seconds, served);
    assertThat(count(Served.PRIMARY_STANDBY_AWAY)).isEqualTo(50);

    pair.startStandby();
    Thread.sleep(1_100); // past the time a standby found away is left alone
    assertThat(readsBack(write())).isTrue();
    assertThat(count(Served.STANDBY)).as("served by the standby once it is back").isOne();
  }

  @Test
  void aPromotedStandbyIsNoStandbyAnyMoreAndItsConnectionIsDiscarded() throws SQLException {
    String before = write();
    assertThat(readsBack(before)).isTrue();
    assertThat(count(Served.STANDBY)).isOne();

    pair.killPrimary();
    pair.promoteStandby();
    String after = write(); // on the promoted standby, reached through the primary's URL
    assertThat(readsBack(before)).isTrue();
    assertThat(readsBack(after)).isTrue();
    assertThat(count(Served.PRIMARY_NOT_A_STANDBY)).isEqualTo(2);
    assertThat(discarded).hasSize(2);
  }

  private String write() throws SQLException {
    String id = UUID.randomUUID().toString();
    try (Connection c = primary.getConnection();
        var insert = c.prepareStatement("INSERT INTO t VALUES (?)")) {
      insert.setString(1, id);
      insert.executeUpdate();
    }
    return id;
  }

  private boolean readsBack(String id) throws SQLException {
    try (Connection c = reads.connection();
        var select = c.prepareStatement("SELECT count(*) FROM t WHERE id = ?")) {
      select.setString(1, id);
      try (var rs = select.executeQuery()) {
        rs.next();
        return rs.getInt(1) == 1;
      }
    }
  }

  private int count(Served where) {
    AtomicInteger n = served.get(where);
    return n == null ? 0 : n.get();
  }

  private static DataSource source(String url) {
    PGSimpleDataSource source = new PGSimpleDataSource();
    source.setURL(url);
    source.setUser("postgres");
    source.setConnectTimeout(1);
    return source;
  }

  private static void close(Connection connection) {
    try {
      connection.close();
    } catch (SQLException ignored) {
      // discarded anyway
    }
  }
}
