package io.bulwark.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The CPU time every process on the machine has used, from {@code /proc}, grouped by the part of
 * the platform it belongs to: each service instance by its port, Kafka, Zipkin, PostgreSQL (the
 * postmaster, its backends and their helpers), Patroni, etcd, the local run's supervisor, and the
 * benchmark itself (the load generator and the pgbench client it starts, reported apart).
 *
 * <p>A process's figure is its own time and its reaped children's ({@code utime + stime + cutime +
 * cstime}): a backend that ended during a window is counted with the postmaster that reaped it, and
 * a pgbench client with the benchmark that waited for it. Between two snapshots a process is told
 * apart by its id and its start time, so a new process with an old one's id counts from zero.
 */
final class ProcessCpu {

  /** The benchmark's own process: the load, not the platform. */
  static final String LOAD = "load generator (apart)";

  static final String OTHER = "other processes";

  private static final long SELF = ProcessHandle.current().pid();
  private static final double MILLIS_PER_TICK = 1000.0 / clockTicks();

  /** The CPU ticks of each running process, and the part each belongs to. */
  record Snapshot(Map<String, Long> ticks, Map<String, String> parts) {}

  private final Map<Integer, String> instancesByPort;

  /**
   * @param instancesByPort the platform's service instances (and gateway, auth server) by port
   */
  ProcessCpu(Map<String, Integer> instancesByPort) {
    Map<Integer, String> byPort = new LinkedHashMap<>();
    instancesByPort.forEach((name, port) -> byPort.put(port, name));
    this.instancesByPort = byPort;
  }

  Snapshot take() {
    Map<String, Long> ticks = new LinkedHashMap<>();
    Map<String, String> parts = new LinkedHashMap<>();
    for (long pid : pids()) {
      Optional<String[]> stat = stat(pid);
      if (stat.isEmpty()) {
        continue;
      }
      String[] fields = stat.get();
      // after the command's closing parenthesis: state is field 3; utime 14 … cstime 17; start 22
      long used =
          Long.parseLong(fields[11])
              + Long.parseLong(fields[12])
              + Long.parseLong(fields[13])
              + Long.parseLong(fields[14]);
      String key = pid + "@" + fields[19];
      ticks.put(key, used);
      parts.put(key, partOf(pid, read(Path.of("/proc", String.valueOf(pid), "cmdline"))));
    }
    return new Snapshot(ticks, parts);
  }

  /** The process of each instance that is running, by the port it serves. */
  Map<String, Long> instances() {
    Map<String, Long> found = new TreeMap<>();
    for (long pid : pids()) {
      String part = partOf(pid, read(Path.of("/proc", String.valueOf(pid), "cmdline")));
      if (instancesByPort.containsValue(part)) {
        found.put(part, pid);
      }
    }
    return found;
  }

  /** Milliseconds of CPU each part used from {@code before} to {@code after}, largest first. */
  static Map<String, Double> between(Snapshot before, Snapshot after) {
    Map<String, Double> millis = new TreeMap<>();
    after
        .ticks()
        .forEach(
            (key, ticks) -> {
              long used = ticks - before.ticks().getOrDefault(key, 0L);
              if (used > 0) {
                millis.merge(after.parts().get(key), used * MILLIS_PER_TICK, Double::sum);
              }
            });
    Map<String, Double> largestFirst = new LinkedHashMap<>();
    millis.entrySet().stream()
        .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
        .forEach(e -> largestFirst.put(e.getKey(), e.getValue()));
    return largestFirst;
  }

  /** Whether a part is the platform's (the load and the machine's other processes are not). */
  static boolean platform(String part) {
    return !part.equals(LOAD) && !part.equals(OTHER);
  }

  /** The part a process belongs to, by its command line ({@code \0}-separated arguments). */
  String partOf(long pid, String cmdline) {
    if (pid == SELF) {
      return LOAD;
    }
    List<String> args = List.of(cmdline.split("\0"));
    String program = args.isEmpty() ? "" : args.get(0);
    String all = String.join(" ", args);
    if (program.endsWith("java")) {
      for (String arg : args) {
        if (arg.startsWith("--server.port=") || arg.startsWith("-Dserver.port=")) {
          String name = instancesByPort.get(port(arg));
          if (name != null) {
            return name;
          }
        }
      }
      if (all.contains("kafka.Kafka")) {
        return "kafka";
      }
      if (all.contains("zipkin")) {
        return "zipkin";
      }
      if (all.contains("io.bulwark.devstack.DevStack")) {
        return "local run (supervisor)";
      }
      if (all.contains("io.bulwark.benchmarks.Bench")) {
        return LOAD;
      }
      return OTHER;
    }
    // pgbench is PostgreSQL's client, the baseline's load
    if (program.endsWith("pgbench")) {
      return LOAD;
    }
    // a backend renames itself ("postgres: bulwark orders 127.0.0.1(…) idle"), keeping the prefix
    if (program.startsWith("postgres") || program.contains("/postgresql/")) {
      return "postgresql";
    }
    if (all.contains("patroni")) {
      return "patroni";
    }
    if (program.endsWith("etcd")) {
      return "etcd";
    }
    if (program.endsWith("haproxy")) {
      return "haproxy";
    }
    return OTHER;
  }

  private static int port(String arg) {
    try {
      return Integer.parseInt(arg.substring(arg.indexOf('=') + 1).strip());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static Optional<String[]> stat(long pid) {
    String stat = read(Path.of("/proc", String.valueOf(pid), "stat"));
    int end = stat.lastIndexOf(')');
    if (end < 0) {
      return Optional.empty();
    }
    String[] fields = stat.substring(end + 2).trim().split(" ");
    return fields.length > 19 ? Optional.of(fields) : Optional.empty();
  }

  /** Every process's id, from /proc. */
  static List<Long> pids() {
    try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
      return entries
          .map(entry -> entry.getFileName().toString())
          .filter(name -> !name.isEmpty() && name.chars().allMatch(Character::isDigit))
          .map(Long::parseLong)
          .toList();
    } catch (IOException e) {
      throw new IllegalStateException("cannot list /proc", e);
    }
  }

  /** A /proc file's text; empty when the process ended meanwhile. */
  static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      // the process ended between listing and reading
      return "";
    }
  }

  /** The kernel's clock ticks per second ({@code getconf CLK_TCK}; 100 on Linux everywhere). */
  private static long clockTicks() {
    try {
      Process getconf = new ProcessBuilder("getconf", "CLK_TCK").start();
      String out = new String(getconf.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      return getconf.waitFor() == 0 ? Long.parseLong(out.strip()) : 100;
    } catch (IOException | NumberFormatException e) {
      return 100;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 100;
    }
  }
}
