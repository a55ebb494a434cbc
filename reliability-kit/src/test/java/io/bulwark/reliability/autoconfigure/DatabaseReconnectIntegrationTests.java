package io.bulwark.reliability.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.bulwark.fixtures.net.PartitionProxy;
import io.bulwark.fixtures.postgres.TestPostgres;
import io.bulwark.harness.process.FreePorts;
import io.bulwark.reliability.failover.ReconnectingDataSource;
import java.net.URI;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A service's pool whose database is not there, then appears on its address (as a promoted standby
 * does for a multi-host URL): the pool's first connection comes within a pause of it, not after
 * HikariCP's own backoff, which by then waits seconds between attempts.
 */
class DatabaseReconnectIntegrationTests {

  private static final Duration OUTAGE = Duration.ofMillis(5_500);

  @Test
  void aPoolWhoseDatabaseComesBackConnectsWithinAPauseNotAfterHikarisBackoff() throws Exception {
    int port = FreePorts.next(); // nothing listens here yet: every attempt is refused
    int database =
        URI.create(TestPostgres.newDatabase("reconnect").substring("jdbc:".length())).getPort();
    try (ConfigurableApplicationContext service = service(port)) {
      DataSource pool = service.getBean(DataSource.class);
      assertThat(((HikariDataSource) pool).getDataSource())
          .isInstanceOf(ReconnectingDataSource.class);
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

  private static ConfigurableApplicationContext service(int port) {
    return new SpringApplicationBuilder(Application.class)
        .properties(
            "spring.main.web-application-type=none",
            "spring.datasource.url=jdbc:postgresql://127.0.0.1:" + port + "/postgres",
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
