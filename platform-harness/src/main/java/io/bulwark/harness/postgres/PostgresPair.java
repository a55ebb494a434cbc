package io.bulwark.harness.postgres;

import io.bulwark.harness.Await;
import io.bulwark.harness.process.Commands;
import io.bulwark.harness.process.FreePorts;
import io.bulwark.harness.process.ProcessTrees;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A PostgreSQL primary with a synchronous streaming standby, from the machine's binaries: an
 * acknowledged commit exists on both. The fixture can crash the primary ({@code kill -9} of the
 * postmaster and its children) and promote the standby with {@code pg_ctl promote}, standing in for
 * an HA engine so that the application side of a failover can be tested on its own.
 */
public final class PostgresPair implements AutoCloseable {

  private static final Map<String, String> SETTINGS =
      Map.of(
          "fsync", "off", // process crashes, not machine crashes: the page cache survives
          "max_connections", "300",
          "wal_keep_size", "256MB",
          "shared_buffers", "64MB");

  private final Path dir;
  private final PostgresServer primary;
  private final Map<String, String> standbySettings;
  private PostgresServer standby;

  private PostgresPair(
      Path dir,
      PostgresServer primary,
      PostgresServer standby,
      Map<String, String> standbySettings) {
    this.dir = dir;
    this.primary = primary;
    this.standby = standby;
    this.standbySettings = standbySettings;
  }

  public static PostgresPair start() {
    try {
      Path dir = Files.createTempDirectory("bulwark-pg-pair-");
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
      PostgresServer primary =
          PostgresServer.start(dir.resolve("primary"), FreePorts.next(), SETTINGS);
      Path standbyDir = dir.resolve("standby");
      Files.createDirectories(standbyDir);
      if (Commands.runningAsRoot()) {
        Commands.run(List.of("chown", "postgres:postgres", standbyDir.toString()), 10);
      }
      Commands.run(List.of("chmod", "700", standbyDir.toString()), 10);
      Commands.run(
          Commands.asPostgres(
              List.of(
                  PostgresServer.binDir().resolve("pg_basebackup").toString(),
                  "-h",
                  "127.0.0.1",
                  "-p",
                  String.valueOf(primary.port()),
                  "-U",
                  "postgres",
                  "-D",
                  standbyDir.toString(),
                  "-R",
                  "-X",
                  "stream",
                  "-C",
                  "-S",
                  "standby1",
                  "-c",
                  "fast")),
          120);
      Map<String, String> standbySettings = new java.util.HashMap<>(SETTINGS);
      standbySettings.put("cluster_name", "standby1");
      PostgresServer standby = PostgresServer.start(standbyDir, FreePorts.next(), standbySettings);
      // only now: set before the base backup, the standby would inherit it and, once promoted,
      // wait forever for a standby of its own
      execute(
          primary.jdbcUrl("postgres"),
          "ALTER SYSTEM SET synchronous_standby_names = 'FIRST 1 (standby1)'");
      execute(primary.jdbcUrl("postgres"), "SELECT pg_reload_conf()");
      PostgresPair pair = new PostgresPair(dir, primary, standby, standbySettings);
      pair.awaitSynchronous();
      return pair;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Creates the database on the primary; it reaches the standby by replication. */
  public void createDatabase(String name) {
    primary.createDatabase(name);
  }

  /** {@code jdbc:postgresql://primary,standby/db?targetServerType=primary}: follows a promotion. */
  public String jdbcUrl(String database) {
    return "jdbc:postgresql://127.0.0.1:"
        + primary.port()
        + ",127.0.0.1:"
        + standby.port()
        + "/"
        + database
        + "?targetServerType=primary";
  }

  public String primaryUrl(String database) {
    return primary.jdbcUrl(database);
  }

  public String standbyUrl(String database) {
    return standby.jdbcUrl(database);
  }

  /**
   * Crash: SIGKILL to the primary's postmaster and every process it started; returns once the
   * postmaster is gone.
   */
  public void killPrimary() {
    ProcessHandle postmaster =
        PostgresServer.postmaster(primary.dataDir())
            .orElseThrow(() -> new IllegalStateException("the primary is not running"));
    ProcessTrees.kill(postmaster);
  }

  /**
   * Stops the standby, and lets the primary commit without it, as an HA engine's non-strict
   * synchronous mode does when its standby is gone.
   */
  public void stopStandby() {
    execute(primary.jdbcUrl("postgres"), "ALTER SYSTEM SET synchronous_standby_names = ''");
    execute(primary.jdbcUrl("postgres"), "SELECT pg_reload_conf()");
    standby.stop();
  }

  /** Starts the stopped standby again and waits until the primary commits through it. */
  public void startStandby() {
    standby = PostgresServer.start(standby.dataDir(), standby.port(), standbySettings);
    execute(
        primary.jdbcUrl("postgres"),
        "ALTER SYSTEM SET synchronous_standby_names = 'FIRST 1 (standby1)'");
    execute(primary.jdbcUrl("postgres"), "SELECT pg_reload_conf()");
    awaitSynchronous();
  }

  /**
   * Pauses (or resumes) the standby's replay: it goes on receiving and confirming WAL, so commits
   * are not held up, but what it shows falls behind the primary, as under a long query or a slow
   * disk.
   */
  public void pauseStandbyReplay(boolean paused) {
    execute(
        standby.jdbcUrl("postgres"),
        paused ? "SELECT pg_wal_replay_pause()" : "SELECT pg_wal_replay_resume()");
  }

  /** What an HA engine would do: promote the standby to primary. */
  public void promoteStandby() {
    Commands.run(
        Commands.asPostgres(
            List.of(
                PostgresServer.binDir().resolve("pg_ctl").toString(),
                "-D",
                standby.dataDir().toString(),
                "-w",
                "promote")),
        60);
  }

  /**
   * Returns once the standby has replayed everything the primary had written when called. A
   * synchronous commit waits only for the standby to flush, not to replay: right after a {@code
   * CREATE DATABASE}, say, the standby may not have that database yet.
   */
  public void awaitStandbyReplayed() {
    String written = query(primary.jdbcUrl("postgres"), "SELECT pg_current_wal_lsn()::text");
    Await.until(
            () ->
                "t"
                    .equals(
                        query(
                            standby.jdbcUrl("postgres"),
                            "SELECT pg_last_wal_replay_lsn() >= '" + written + "'::pg_lsn")))
        .every(Duration.ofMillis(50))
        .within(
            Duration.ofSeconds(30), () -> "the standby did not replay the primary's " + written);
  }

  private static String query(String url, String sql) {
    try (Connection c = DriverManager.getConnection(url, "postgres", "");
        var rs = c.createStatement().executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    } catch (SQLException e) {
      throw new IllegalStateException(sql, e);
    }
  }

  private void awaitSynchronous() {
    Await.until(this::isSynchronous)
        .every(Duration.ofMillis(100))
        .within(Duration.ofSeconds(30), () -> "the standby did not become synchronous");
  }

  private boolean isSynchronous() {
    try {
      return "1"
          .equals(
              query(
                  primary.jdbcUrl("postgres"),
                  "SELECT count(*) FROM pg_stat_replication WHERE sync_state = 'sync'"));
    } catch (IllegalStateException e) {
      return false; // not yet
    }
  }

  private static void execute(String url, String sql) {
    try (Connection c = DriverManager.getConnection(url, "postgres", "")) {
      c.createStatement().execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(sql, e);
    }
  }

  @Override
  public void close() {
    for (PostgresServer server : List.of(primary, standby)) {
      try {
        server.stop();
      } catch (RuntimeException ignored) {
        // a crashed server has nothing to stop
      }
    }
  }

  public Path dir() {
    return dir;
  }
}
