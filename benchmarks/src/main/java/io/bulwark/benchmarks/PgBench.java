package io.bulwark.benchmarks;

import io.bulwark.harness.postgres.PostgresServer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The physical baseline: {@code pgbench -N} (simple updates, one commit per transaction) on the
 * local run's own PostgreSQL primary, with its synchronous standby, so each commit waits for the
 * standby as an order's do.
 */
final class PgBench {

  private final Path binary;
  private final int port;

  PgBench(int port) {
    this.port = port;
    this.binary = PostgresServer.binDir().resolve("pgbench");
  }

  void initialise(String database, int scale) throws IOException, InterruptedException {
    run(List.of("-i", "-q", "-s", String.valueOf(scale), database));
  }

  /** One run; returns transactions per second (without connection time). */
  double run(String database, int clients, int seconds) throws IOException, InterruptedException {
    String out =
        run(
            List.of(
                "-N",
                "-c",
                String.valueOf(clients),
                "-j",
                "2",
                "-T",
                String.valueOf(seconds),
                database));
    Matcher tps = Pattern.compile("tps = ([0-9.]+)").matcher(out);
    if (!tps.find()) {
      throw new IllegalStateException("no tps in pgbench output:\n" + out);
    }
    return Double.parseDouble(tps.group(1));
  }

  private String run(List<String> args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(binary.toString(), "-h", "127.0.0.1"));
    command.addAll(List.of("-p", String.valueOf(port), "-U", "postgres"));
    command.addAll(args);
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes());
    if (process.waitFor() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed:\n" + out);
    }
    return out;
  }
}
