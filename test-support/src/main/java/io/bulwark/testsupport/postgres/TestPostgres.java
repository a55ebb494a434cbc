package io.bulwark.testsupport.postgres;

import io.bulwark.testsupport.process.Directories;
import io.bulwark.testsupport.process.FreePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One real PostgreSQL server per test JVM, on a free port, started on first use and stopped when
 * the JVM exits. Each test gets databases of its own from {@link #newDatabase(String)}.
 *
 * <p>Durability settings are relaxed ({@code fsync=off}) because a test server's files are thrown
 * away: transactions, locks, isolation and LISTEN/NOTIFY behave exactly as in production.
 */
public final class TestPostgres {

  private static final AtomicInteger DATABASES = new AtomicInteger();
  private static PostgresServer server;

  private TestPostgres() {}

  public static synchronized PostgresServer server() {
    if (server == null) {
      Path dir;
      try {
        dir = Files.createTempDirectory("bulwark-test-pg-");
        // the server runs as postgres when we are root: it must be able to enter the directory
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      server =
          PostgresServer.start(
              dir.resolve("data"),
              FreePorts.next(),
              Map.of(
                  "fsync", "off",
                  "full_page_writes", "off",
                  "max_connections", "300",
                  "shared_buffers", "64MB"));
      PostgresServer started = server;
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    started.stop();
                    deleteQuietly(dir);
                  },
                  "test-postgres-stop"));
    }
    return server;
  }

  /** A fresh, empty database; returns its JDBC URL (user {@code postgres}, no password). */
  public static String newDatabase(String prefix) {
    String name = prefix + "_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
    server().createDatabase(name);
    return server().jdbcUrl(name);
  }

  private static void deleteQuietly(Path dir) {
    try {
      Directories.delete(dir);
    } catch (IOException ignored) {
      // a temporary directory; the OS cleans it eventually
    }
  }
}
