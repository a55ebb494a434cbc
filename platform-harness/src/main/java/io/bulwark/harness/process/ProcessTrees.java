package io.bulwark.harness.process;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

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
    List<ProcessHandle> all = new ArrayList<>(List.of(process));
    all.addAll(process.descendants().toList());
    signal("-STOP", all);
  }

  /** SIGCONT to the process and its descendants, children first: a frozen tree runs on. */
  public static void thaw(ProcessHandle process) {
    List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
    java.util.Collections.reverse(all);
    all.add(process);
    signal("-CONT", all);
  }

  private static void signal(String signal, List<ProcessHandle> processes) {
    List<String> command = new ArrayList<>(List.of("kill", signal));
    processes.forEach(p -> command.add(String.valueOf(p.pid())));
    Commands.run(command, 10);
  }
}
