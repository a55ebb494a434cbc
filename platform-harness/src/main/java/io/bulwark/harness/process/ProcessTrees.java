package io.bulwark.harness.process;

import java.util.List;
import java.util.concurrent.TimeUnit;

/** Crashing a process together with everything it started. */
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
}
