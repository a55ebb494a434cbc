package io.bulwark.reliability.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.bulwark.fixtures.postgres.TestPostgres;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The kit's bounds on every database wait reach a service's pool and its sessions: what the server
 * enforces, asked of the server itself, and what the driver enforces, on the pool.
 */
@SpringBootTest(
    classes = DatabaseTimeoutsIntegrationTests.Application.class,
    properties = {"bulwark.outbox.relay.enabled=false", "spring.main.web-application-type=none"})
class DatabaseTimeoutsIntegrationTests {

  @DynamicPropertySource
  static void database(DynamicPropertyRegistry registry) {
    String url = TestPostgres.newDatabase("timeouts");
    registry.add("spring.datasource.url", () -> url);
    registry.add("spring.datasource.username", () -> "postgres");
  }

  @Autowired DataSource dataSource;
  @Autowired JdbcClient jdbc;

  @Test
  void everySessionOfThePoolHasItsStatementLockIdleAndKeepaliveBounds() {
    List<String> settings =
        jdbc.sql(
                "SELECT name || '=' || setting FROM pg_settings WHERE name IN ("
                    + " 'statement_timeout', 'lock_timeout', 'idle_in_transaction_session_timeout',"
                    + " 'tcp_keepalives_idle', 'tcp_keepalives_interval', 'tcp_keepalives_count',"
                    + " 'tcp_user_timeout') ORDER BY name")
            .query(String.class)
            .list();

    assertThat(settings)
        .containsExactly(
            "idle_in_transaction_session_timeout=30000",
            "lock_timeout=10000",
            "statement_timeout=15000",
            "tcp_keepalives_count=3",
            "tcp_keepalives_idle=10",
            "tcp_keepalives_interval=3",
            "tcp_user_timeout=10000");
  }

  @Test
  void theDriverBoundsConnectingLoggingInAndEveryRead() {
    HikariDataSource pool = (HikariDataSource) dataSource;

    assertThat(pool.getDataSourceProperties())
        .containsEntry("connectTimeout", "1")
        .containsEntry("loginTimeout", "5")
        .containsEntry("socketTimeout", "20")
        .containsEntry("tcpKeepAlive", "true");
  }

  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class Application {}
}
