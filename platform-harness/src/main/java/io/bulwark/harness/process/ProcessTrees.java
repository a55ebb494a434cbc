package io.bulwark.harness.process;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Crashing or freezing a process together with everything it started. */
public final class ProcessTrees {

  private ProcessTrees() {}

  /** SIGKILL to the process and its descendants; returns once the process is gone. */
  public static void kill(ProcessHandle process) {
    List<ProcessHandle> descendants = process.descendants().toList();
    process.destroyForcibly();
    descendants.forEach(ProcessHandle::destroyForcibly);
    try {
      process.onExit().get(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      throw new IllegalStateException("process " + process.pid() + " did not die", e);
    }
  }

  /**
   * SIGSTOP to the process and its descendants: they keep their sockets and files and do nothing,
   * as a machine does that stalls (a long pause, a hung hypervisor), until {@link #thaw}.
   */
  public static void freeze(ProcessHandle process) {
    Set<Long> frozen = new HashSet<>();
    // A child started between listing the tree and stopping its parent would run on: list again
    // until a pass finds nothing new (a stopped process starts nothing).
    for (int pass = 0; pass < 5; pass++) {
      List<ProcessHandle> fresh =
          Stream.concat(Stream.of(process), process.descendants())
              .filter(p -> !frozen.contains(p.pid()))
              .toList();
      if (fresh.isEmpty()) {
        return;
      }
      signal("-STOP", fresh);
      fresh.forEach(p -> frozen.add(p.pid()));
    }
  }

  /** SIGCONT to the process and its descendants, children first: a frozen tree runs on. */
  public static void thaw(ProcessHandle process) {
    List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
    java.util.Collections.reverse(all);
    all.add(process);
    signal("-CONT", all);
  }

  /**
   * Signals the processes still alive; one that exits in the meantime (a short-lived child of the
   * tree) is passed over, any other failure is not.
   */
  private static void signal(String signal, List<ProcessHandle> processes) {
    for (int attempt = 1; ; attempt++) {
      List<ProcessHandle> alive = processes.stream().filter(ProcessHandle::isAlive).toList();
      if (alive.isEmpty()) {
        return;
      }
      List<String> command = new ArrayList<>(List.of("kill", signal));
      alive.forEach(p -> command.add(String.valueOf(p.pid())));
      try {
        Commands.run(command, 10);
        return;
      } catch (IllegalStateException e) {
        if (attempt == 3 || alive.stream().allMatch(ProcessHandle::isAlive)) {
          throw e;
        }
      }
    }
  }
}
