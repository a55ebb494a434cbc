package io.bulwark.reliability.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.bulwark.harness.postgres.PostgresPair;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The kit's wiring of standby reads in a Spring application, on a real primary and standby: with
 * {@code bulwark.standby-reads.url} the standby serves {@link StandbyQueries} and the counter says
 * so, a write is read back at once, the standby's sessions get the pool's driver settings, and the
 * application's own data source stays the primary's; without it, the same queries run on the
 * primary.
 */
class StandbyQueriesIntegrationTests {

  private static PostgresPair pair;

  private final ApplicationContextRunner application =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  DataSourceAutoConfiguration.class, StandbyReadsAutoConfiguration.class))
          .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
          .withPropertyValues(
              "spring.datasource.url=" + pair.jdbcUrl("queries"),
              "spring.datasource.username=postgres",
              "spring.datasource.hikari.data-source-properties.options=-c statement_timeout=7s");

  @BeforeAll
  static void pairWithATable() {
    pair = PostgresPair.start();
    pair.createDatabase("queries");
    JdbcClient.create(
            new org.springframework.jdbc.datasource.DriverManagerDataSource(
                pair.primaryUrl("queries"), "postgres", ""))
        .sql("CREATE TABLE t (id text PRIMARY KEY)")
        .update();
  }

  @AfterAll
  static void stop() {
    pair.close();
  }

  @Test
  void withAStandbyConfiguredItServesTheReadsAndEveryWriteIsReadBackAtOnce() {
    application
        .withPropertyValues("bulwark.standby-reads.url=" + pair.standbyUrl("queries"))
        .run(
            context -> {
              JdbcClient primary = JdbcClient.create(context.getBean(javax.sql.DataSource.class));
              StandbyQueries queries = context.getBean(StandbyQueries.class);
              for (int i = 0; i < 50; i++) {
                String id = UUID.randomUUID().toString();
                primary.sql("INSERT INTO t VALUES (?)").param(id).update();
                long found =
                    queries.read(
                        jdbc ->
                            jdbc.sql("SELECT count(*) FROM t WHERE id = ?")
                                .param(id)
                                .query(Long.class)
                                .single());
                assertThat(found).as("write " + i + " read back at once").isOne();
              }
              assertThat(inRecovery(queries)).as("served by the standby").isTrue();
              String statementTimeout =
                  queries.read(
                      jdbc -> jdbc.sql("SHOW statement_timeout").query(String.class).single());
              assertThat(statementTimeout)
                  .as("the standby's sessions carry the primary pool's driver settings")
                  .isEqualTo("7s");
              MeterRegistry meters = context.getBean(MeterRegistry.class);
              assertThat(
                      meters
                          .get("bulwark.standby.reads")
                          .tag("served", "standby")
                          .counter()
                          .count())
                  .isEqualTo(52);
              assertThat(primary.sql("SELECT pg_is_in_recovery()").query(Boolean.class).single())
                  .as("the application's own data source is the primary's")
                  .isFalse();
            });
  }

  @Test
  void withoutAStandbyTheSameQueriesRunOnThePrimary() {
    application.run(
        context -> {
          assertThat(context).doesNotHaveBean(io.bulwark.reliability.standby.StandbyReads.class);
          assertThat(inRecovery(context.getBean(StandbyQueries.class))).isFalse();
        });
  }

  private static boolean inRecovery(StandbyQueries queries) {
    return queries.read(
        jdbc -> jdbc.sql("SELECT pg_is_in_recovery()").query(Boolean.class).single());
  }
}
