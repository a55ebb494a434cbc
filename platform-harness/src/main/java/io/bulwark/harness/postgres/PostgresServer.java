package io.bulwark.harness.postgres;

import io.bulwark.harness.process.Commands;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server run from the machine's binaries (Debian's {@code
 * /usr/lib/postgresql/N/bin}), listening on 127.0.0.1. When the JVM runs as root the server and its
 * tools run as the {@code postgres} user, since PostgreSQL refuses root.
 *
 * <p>The data directory is created with {@code initdb} on first start and reused afterwards, so a
 * second start on the same directory keeps its data. Settings are passed on the command line at
 * every start, so the port may change between starts.
 */
public final class PostgresServer implements AutoCloseable {

  /** {@code pg_hba.conf}'s lines, for a server here and for Patroni's nodes alike. */
  public static final List<String> CLIENT_AUTHENTICATION =
      List.of(
          "local all all trust",
          "host all postgres 127.0.0.1/32 trust",
          "host replication all 127.0.0.1/32 trust",
          "host all all 127.0.0.1/32 scram-sha-256");

  private final Path dataDir;
  private final int port;
  private final Map<String, String> settings;

  private PostgresServer(Path dataDir, int port, Map<String, String> settings) {
    this.dataDir = dataDir;
    this.port = port;
    this.settings = settings;
  }

  /** Initialises the directory if needed, starts the server and waits until it accepts work. */
  public static PostgresServer start(Path dataDir, int port, Map<String, String> settings) {
    PostgresServer server = new PostgresServer(dataDir.toAbsolutePath(), port, settings);
    server.initIfNeeded();
    server.writeClientAuthentication();
    server.startServer();
    return server;
  }

  /** The directory of {@code initdb}, {@code pg_ctl} and friends: newest installed version. */
  public static Path binDir() {
    String configured = System.getenv("BULWARK_PG_BIN");
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured);
    }
    Path root = Path.of("/usr/lib/postgresql");
    try (Stream<Path> versions = Files.list(root)) {
      return versions
          .filter(p -> Files.isExecutable(p.resolve("bin/pg_ctl")))
          .max(Comparator.comparingInt(p -> parseVersion(p.getFileName().toString())))
          .map(p -> p.resolve("bin"))
          .orElseThrow(() -> new IllegalStateException("no PostgreSQL binaries under " + root));
    } catch (IOException e) {
      throw new IllegalStateException(
          "PostgreSQL binaries not found under " + root + "; set BULWARK_PG_BIN", e);
    }
  }

  private static int parseVersion(String name) {
    try {
      return Integer.parseInt(name);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private void initIfNeeded() {
    if (Files.exists(dataDir.resolve("PG_VERSION"))) {
      return;
    }
    try {
      Files.createDirectories(dataDir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (Commands.runningAsRoot()) {
      Commands.run(List.of("chown", "-R", "postgres:postgres", dataDir.toString()), 30);
      Commands.run(List.of("chmod", "700", dataDir.toString()), 30);
    }
    Commands.run(
        Commands.asPostgres(
            List.of(
                bin("initdb"),
                "-D",
                dataDir.toString(),
                "-A",
                "trust",
                "-U",
                "postgres",
                "-E",
                "UTF8",
                "--no-instructions")),
        120);
  }

  /**
   * Who may connect how, written at every start (so a directory from an earlier version gets it
   * too): the superuser {@code postgres} is trusted on this host (the harness and its tools connect
   * as it), as is replication; every other role, such as a service's, needs its password.
   */
  private void writeClientAuthentication() {
    try {
      // written in place: the file keeps its owner (postgres) and mode
      Files.writeString(
          dataDir.resolve("pg_hba.conf"), String.join("\n", CLIENT_AUTHENTICATION) + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void startServer() {
    List<String> options = new ArrayList<>();
    options.add("-p " + port);
    options.add("-c listen_addresses=127.0.0.1");
    options.add("-c unix_socket_directories=" + dataDir);
    settings.forEach((key, value) -> options.add("-c " + key + "=" + value));
    Commands.run(
        Commands.asPostgres(
            List.of(
                bin("pg_ctl"),
                "-D",
                dataDir.toString(),
                "-l",
                dataDir.resolve("server.log").toString(),
                "-o",
                String.join(" ", options),
                "-w",
                "-t",
                "60",
                "start")),
        90);
  }

  /** Stops the server with a fast shutdown: open transactions roll back, committed data stays. */
  public void stop() {
    if (Files.exists(dataDir.resolve("postmaster.pid"))) {
      Commands.run(
          Commands.asPostgres(
              List.of(bin("pg_ctl"), "-D", dataDir.toString(), "-m", "fast", "-w", "stop")),
          90);
    }
  }

  @Override
  public void close() {
    stop();
  }

  public int port() {
    return port;
  }

  public Path dataDir() {
    return dataDir;
  }

  public String jdbcUrl(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
  }

  /** Creates the database unless it exists already. */
  public void createDatabase(String name) {
    createDatabase(jdbcUrl("postgres"), name);
  }

  /**
   * Creates the database unless it exists already, on the server behind {@code adminUrl} (a URL of
   * its {@code postgres} database).
   */
  public static void createDatabase(String adminUrl, String name) {
    if (!name.matches("[a-z_][a-z0-9_]*")) {
      throw new IllegalArgumentException("not a plain database name: " + name);
    }
    try (Connection connection = DriverManager.getConnection(adminUrl, "postgres", "")) {
      boolean exists;
      try (var statement =
          connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
        statement.setString(1, name);
        exists = statement.executeQuery().next();
      }
      if (!exists) {
        try (var statement = connection.createStatement()) {
          statement.execute("CREATE DATABASE " + name);
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create database " + name, e);
    }
  }

  /** The postmaster's process id from the data directory's {@code postmaster.pid}, if running. */
  public static Optional<ProcessHandle> postmaster(Path dataDir) {
    try {
      Path pid = dataDir.resolve("postmaster.pid");
      if (!Files.exists(pid)) {
        return Optional.empty();
      }
      return ProcessHandle.of(Long.parseLong(Files.readAllLines(pid).get(0).trim()));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private static String bin(String tool) {
    return binDir().resolve(tool).toString();
  }
}
