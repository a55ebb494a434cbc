package io.bulwark.reliability.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.bulwark.fixtures.net.PartitionProxy;
import io.bulwark.fixtures.postgres.TestPostgres;
import io.bulwark.harness.process.FreePorts;
import io.bulwark.reliability.failover.PrimaryMoveDataSource;
import io.bulwark.reliability.failover.ReconnectingDataSource;
import io.bulwark.reliability.failover.TransientFailures;
import java.net.URI;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.postgresql.core.BaseConnection;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A service's pool whose database is not there, then appears on its address (as a promoted standby
 * does for a multi-host URL): the pool's first connection comes within a pause of it, not after
 * HikariCP's own backoff, which by then waits seconds between attempts. And a pool whose primary is
 * cut off mid-statement: what was in flight there is released once the new primary is reached.
 */
class DatabaseReconnectIntegrationTests {

  private static final Duration OUTAGE = Duration.ofMillis(5_500);
  private static final int STRANDED = 3;

  @Test
  void aPoolWhoseDatabaseComesBackConnectsWithinAPauseNotAfterHikarisBackoff() throws Exception {
    int port = FreePorts.next(); // nothing listens here yet: every attempt is refused
    int database =
        URI.create(TestPostgres.newDatabase("reconnect").substring("jdbc:".length())).getPort();
    try (ConfigurableApplicationContext service = service(port)) {
      DataSource pool = service.getBean(DataSource.class);
      assertThat(((HikariDataSource) pool).getDataSource())
          .isInstanceOf(ReconnectingDataSource.class);
      assertThat(
              ((HikariDataSource) pool).getDataSource().isWrapperFor(PrimaryMoveDataSource.class))
          .as("one host, no primary to follow")
          .isFalse();
      CompletableFuture<Long> connected =
          CompletableFuture.supplyAsync(
              () -> {
                while (true) {
                  try (Connection connection = pool.getConnection()) {
                    return System.nanoTime();
                  } catch (SQLException stillAway) {
                    // the pool's connection timeout passed: ask again, as a request would
                  }
                }
              });

      Thread.sleep(OUTAGE.toMillis());
      try (PartitionProxy back = new PartitionProxy(port, database)) {
        long appeared = System.nanoTime();
        long waited = connected.get(30, TimeUnit.SECONDS) - appeared;

        System.out.printf(
            "database back after %d ms away: first connection %d ms later%n",
            OUTAGE.toMillis(), TimeUnit.NANOSECONDS.toMillis(waited));
        // HikariCP alone, 5.5 s into failing, next tries about 10 s after the first failure
        assertThat(Duration.ofNanos(waited)).isLessThan(Duration.ofSeconds(2));
      }
    }
  }

  @Test
  void statementsStrandedOnAPrimaryCutOffFailAsSoonAsAConnectionReachesTheNewPrimary()
      throws Exception {
    URI database = URI.create(TestPostgres.newDatabase("moved").substring("jdbc:".length()));
    int newPrimary = FreePorts.next(); // nothing there yet, as before a promotion
    ExecutorService requests = Executors.newCachedThreadPool();
    try (PartitionProxy oldPrimary = new PartitionProxy(database.getPort());
        ConfigurableApplicationContext service =
            service(
                "jdbc:postgresql://127.0.0.1:%d,127.0.0.1:%d%s?targetServerType=primary"
                        .formatted(newPrimary, oldPrimary.port(), database.getPath())
                    // no read timeout: only the primary's move can release a stranded statement
                    + "&socketTimeout=0&hostRecheckSeconds=1")) {
      DataSource pool = service.getBean(DataSource.class);
      assertThat(
              ((HikariDataSource) pool).getDataSource().isWrapperFor(PrimaryMoveDataSource.class))
          .isTrue();
      CountDownLatch running = new CountDownLatch(STRANDED);
      List<Future<SQLException>> stranded = new ArrayList<>();
      for (int i = 0; i < STRANDED; i++) {
        stranded.add(requests.submit(() -> queryUntilLost(pool, running)));
      }
      assertThat(running.await(30, TimeUnit.SECONDS)).isTrue();

      oldPrimary.partition();
      Thread.sleep(1_000); // every loop now waits on an answer that will not come
      assertThat(stranded).noneMatch(Future::isDone);

      try (PartitionProxy promoted = new PartitionProxy(newPrimary, database.getPort())) {
        int reached = requests.submit(() -> portOfANewConnection(pool)).get(30, TimeUnit.SECONDS);
        assertThat(reached).isEqualTo(newPrimary);

        for (Future<SQLException> request : stranded) {
          SQLException lost = request.get(30, TimeUnit.SECONDS);
          assertThat(TransientFailures.isLostConnection(lost.getSQLState()))
              .as("%s: %s", lost.getSQLState(), lost.getMessage())
              .isTrue();
        }
        assertThat(requests.submit(() -> portOfANewConnection(pool)).get(30, TimeUnit.SECONDS))
            .as("the aborted connections are gone from the pool; the next is on the new primary")
            .isEqualTo(newPrimary);
      }
    } finally {
      requests.shutdownNow();
    }
  }

  /** A request's loop of short statements on one connection, until the connection is lost. */
  private static SQLException queryUntilLost(DataSource pool, CountDownLatch running) {
    try (Connection connection = pool.getConnection();
        Statement statement = connection.createStatement()) {
      running.countDown();
      while (true) {
        statement.execute("SELECT pg_sleep(0.05)");
      }
    } catch (SQLException lost) {
      return lost;
    }
  }

  /** The port of the host a freshly borrowed connection is on, trying until one is had. */
  private static int portOfANewConnection(DataSource pool) throws SQLException {
    while (true) {
      try (Connection connection = pool.getConnection()) {
        connection.createStatement().execute("SELECT 1");
        return connection.unwrap(BaseConnection.class).getQueryExecutor().getHostSpec().getPort();
      } catch (SQLException notYet) {
        if (!TransientFailures.isTransient(notYet)) {
          throw notYet;
        }
      }
    }
  }

  private static ConfigurableApplicationContext service(int port) {
    return service("jdbc:postgresql://127.0.0.1:" + port + "/postgres");
  }

  private static ConfigurableApplicationContext service(String url) {
    return new SpringApplicationBuilder(Application.class)
        .properties(
            "spring.main.web-application-type=none",
            "spring.datasource.url=" + url,
            "spring.datasource.username=postgres",
            "spring.datasource.hikari.minimum-idle=0",
            "spring.datasource.hikari.initialization-fail-timeout=-1")
        .run();
  }

  /** The pool and the kit's part under it, nothing else: no migration waits for the database. */
  @SpringBootConfiguration
  @ImportAutoConfiguration({
    DataSourceAutoConfiguration.class,
    DatabaseReconnectAutoConfiguration.class
  })
  static class Application {}
}
