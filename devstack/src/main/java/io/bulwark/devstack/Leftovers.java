package io.bulwark.devstack;

import io.bulwark.harness.process.Commands;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The processes of a local run on one data directory, found by the mark every one of them inherits
 * from {@code ./bulwark run} ({@value #MARK}), PostgreSQL's postmasters included, however they were
 * started. A run killed with {@code SIGKILL} leaves them all running; the next run on the same data
 * stops them before it starts its own, in the order a graceful stop would: the services and Kafka,
 * then the Patroni agents (each stops its PostgreSQL), then the postmasters left, then etcd.
 */
final class Leftovers {

  /** The environment variable that marks a run's processes with its data directory. */
  static final String MARK = "BULWARK_RUN_DATA";

  private static final Duration GRACE = Duration.ofSeconds(30);

  private final String data;
  private final Consumer<String> out;

  /**
   * The processes marked with this data directory, spelled as {@code ./bulwark} exports it (the
   * mark this process carries, if any, else the path).
   */
  Leftovers(Path data, Consumer<String> out) {
    this.data = System.getenv().getOrDefault(MARK, data.toString());
    this.out = out;
  }

  /** The run itself (its orchestrating JVM) on this data, if one is alive other than this one. */
  Optional<ProcessHandle> liveRun() {
    return marked().stream()
        .filter(p -> commandLine(p).contains(DevStack.class.getName()))
        .findFirst();
  }

  /** Every marked process on this data, this process and its ancestors excepted. */
  List<ProcessHandle> marked() {
    Set<Long> own = new HashSet<>();
    for (Optional<ProcessHandle> p = Optional.of(ProcessHandle.current());
        p.isPresent();
        p = p.get().parent()) {
      own.add(p.get().pid());
    }
    String mark = MARK + "=" + data;
    List<ProcessHandle> found = new ArrayList<>();
    ProcessHandle.allProcesses()
        .filter(p -> !own.contains(p.pid()))
        .filter(p -> environment(p.pid()).contains(mark))
        .forEach(found::add);
    return found;
  }

  /**
   * Stops what an earlier run on this data left behind; returns how many processes it stopped. Each
   * wave gets SIGTERM (a postmaster SIGINT, its fast shutdown) and {@link #GRACE} to end; what is
   * still alive at the end gets SIGKILL.
   */
  int stop() {
    List<ProcessHandle> all = marked();
    if (all.isEmpty()) {
      return 0;
    }
    out.accept("stopping " + all.size() + " processes a run killed earlier left on " + data);
    for (Wave wave : Wave.values()) {
      List<ProcessHandle> members =
          all.stream().filter(ProcessHandle::isAlive).filter(wave::holds).toList();
      if (members.isEmpty()) {
        continue;
      }
      members.forEach(p -> out.accept("  " + wave.label + " " + p.pid() + " " + brief(p)));
      members.forEach(wave::signal);
      awaitExit(members);
    }
    List<ProcessHandle> survivors = all.stream().filter(ProcessHandle::isAlive).toList();
    survivors.forEach(p -> out.accept("  killing " + p.pid() + " " + brief(p)));
    survivors.forEach(ProcessHandle::destroyForcibly);
    awaitExit(survivors);
    return all.size();
  }

  /** The groups stopped one after another, each once the one before has ended. */
  private enum Wave {
    SERVICES("stopping") {
      @Override
      boolean holds(ProcessHandle p) {
        return executable(p).endsWith("/java");
      }
    },
    AGENTS("stopping Patroni") {
      @Override
      boolean holds(ProcessHandle p) {
        return commandLine(p).contains("bin/patroni ") && !executable(p).endsWith("/runuser");
      }
    },
    POSTMASTERS("stopping PostgreSQL") {
      @Override
      boolean holds(ProcessHandle p) {
        return executable(p).endsWith("/postgres");
      }

      @Override
      void signal(ProcessHandle p) {
        // SIGINT: a fast shutdown, with a checkpoint; SIGTERM would wait for every client
        kill("-INT", p);
      }
    },
    ETCD("stopping") {
      @Override
      boolean holds(ProcessHandle p) {
        return executable(p).endsWith("/etcd");
      }
    };

    private final String label;

    Wave(String label) {
      this.label = label;
    }

    abstract boolean holds(ProcessHandle p);

    void signal(ProcessHandle p) {
      p.destroy();
    }
  }

  private static void kill(String signal, ProcessHandle p) {
    try {
      Commands.run(List.of("kill", signal, String.valueOf(p.pid())), 10);
    } catch (IllegalStateException gone) {
      // it ended meanwhile; whatever still runs at the end gets SIGKILL
    }
  }

  private static void awaitExit(List<ProcessHandle> processes) {
    long deadline = System.nanoTime() + GRACE.toNanos();
    for (ProcessHandle p : processes) {
      long left = deadline - System.nanoTime();
      try {
        if (left > 0) {
          p.onExit().get(left, TimeUnit.NANOSECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (Exception e) {
        // still alive: the next wave, or the final SIGKILL, deals with it
      }
    }
  }

  private static List<String> environment(long pid) {
    try {
      byte[] bytes = Files.readAllBytes(Path.of("/proc", String.valueOf(pid), "environ"));
      return List.of(new String(bytes, StandardCharsets.UTF_8).split("\0"));
    } catch (IOException | SecurityException e) {
      return List.of(); // gone, or not ours to read
    }
  }

  private static String executable(ProcessHandle p) {
    return p.info().command().orElse("");
  }

  private static String commandLine(ProcessHandle p) {
    return p.info().commandLine().orElse("");
  }

  private static String brief(ProcessHandle p) {
    String line = commandLine(p);
    return line.length() > 100 ? line.substring(0, 100) + "…" : line;
  }
}
