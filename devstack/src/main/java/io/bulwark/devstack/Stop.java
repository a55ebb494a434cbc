package io.bulwark.devstack;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * {@code ./bulwark stop}: stops the local run on this data from another terminal, as Ctrl-C would,
 * and then whatever a run killed with {@code SIGKILL} left running.
 */
public final class Stop {

  private static final Duration RUN_STOPS_WITHIN = Duration.ofMinutes(3);

  private Stop() {}

  public static void main(String[] args) throws Exception {
    Path data = DevStack.data(DevStack.root());
    Leftovers leftovers = new Leftovers(data, System.out::println);
    Optional<ProcessHandle> run = leftovers.liveRun();
    if (run.isPresent()) {
      System.out.println("stopping the run on " + data + " (pid " + run.get().pid() + ")");
      run.get().destroy();
      try {
        run.get().onExit().get(RUN_STOPS_WITHIN.toSeconds(), TimeUnit.SECONDS);
      } catch (java.util.concurrent.TimeoutException e) {
        System.out.println("the run did not stop within " + RUN_STOPS_WITHIN + "; killing it");
        run.get().destroyForcibly();
      }
    }
    int stopped = leftovers.stop();
    if (run.isEmpty() && stopped == 0) {
      System.out.println("nothing runs on " + data);
    }
  }
}
