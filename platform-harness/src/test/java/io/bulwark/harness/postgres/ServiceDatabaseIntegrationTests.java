package io.bulwark.harness.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bulwark.harness.process.Directories;
import io.bulwark.harness.process.FreePorts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A service's own database role, on a real server: what an earlier version left owned by {@code
 * postgres} passes to the role, the role signs in only with its password and only to its database.
 */
class ServiceDatabaseIntegrationTests {

  private static Path dir;
  private static PostgresServer server;

  @BeforeAll
  static void start() throws Exception {
    dir = Files.createTempDirectory("bulwark-roles-");
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    server = PostgresServer.start(dir.resolve("data"), FreePorts.next(), Map.of("fsync", "off"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      server.stop();
    }
    Directories.delete(dir);
  }

  @Test
  void aDatabaseOfAnEarlierVersionPassesWhollyToTheServicesRole() throws Exception {
    server.createDatabase("legacy");
    try (Connection postgres =
        DriverManager.getConnection(server.jdbcUrl("legacy"), "postgres", "")) {
      postgres
          .createStatement()
          .execute(
              """
              CREATE SCHEMA kit;
              CREATE TABLE kit.outbox (id bigserial PRIMARY KEY, payload text);
              CREATE TABLE orders (id uuid PRIMARY KEY);
              CREATE FUNCTION kit.touch() RETURNS trigger LANGUAGE plpgsql AS
                $$ BEGIN RETURN NEW; END $$;
              CREATE TRIGGER touched AFTER INSERT ON kit.outbox
                FOR EACH ROW EXECUTE FUNCTION kit.touch();
              """);
    }

    ServiceDatabase.ownedBy(server.jdbcUrl("legacy"), "legacy_service", "its-password");
    ServiceDatabase.ownedBy(server.jdbcUrl("legacy"), "legacy_service", "its-password");

    try (Connection service =
        DriverManager.getConnection(server.jdbcUrl("legacy"), "legacy_service", "its-password")) {
      // what a migration of the next version does: only an owner may
      service.createStatement().execute("ALTER TABLE kit.outbox ADD COLUMN topic text");
      service.createStatement().execute("INSERT INTO kit.outbox (payload) VALUES ('p')");
      service
          .createStatement()
          .execute(
              "CREATE OR REPLACE FUNCTION kit.touch() RETURNS trigger"
                  + " LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$");
      service.createStatement().execute("DROP TABLE orders");
      var owners =
          service
              .createStatement()
              .executeQuery(
                  "SELECT (SELECT pg_get_userbyid(datdba) FROM pg_database"
                      + "  WHERE datname = current_database()),"
                      + " (SELECT pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = 'kit'),"
                      + " (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)");
      owners.next();
      assertThat(owners.getString(1)).isEqualTo("legacy_service");
      assertThat(owners.getString(2)).isEqualTo("legacy_service");
      assertThat(owners.getBoolean(3)).isFalse();
    }
  }

  @Test
  void theRoleSignsInOnlyWithItsPasswordAndOnlyToItsOwnDatabase() {
    server.createDatabase("mine");
    server.createDatabase("theirs");
    ServiceDatabase.ownedBy(server.jdbcUrl("mine"), "mine_service", "mine-password");
    ServiceDatabase.ownedBy(server.jdbcUrl("theirs"), "theirs_service", "theirs-password");

    assertThatThrownBy(
            () -> DriverManager.getConnection(server.jdbcUrl("mine"), "mine_service", "guess"))
        .isInstanceOfSatisfying(
            SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("28P01"));
    assertThatThrownBy(
            () ->
                DriverManager.getConnection(
                    server.jdbcUrl("theirs"), "mine_service", "mine-password"))
        .isInstanceOfSatisfying(
            SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("42501"));
  }
}
