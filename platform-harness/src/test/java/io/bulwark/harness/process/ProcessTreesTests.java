package io.bulwark.harness.process;

import io.bulwark.harness.Await;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ProcessTreesTests {

  @Test
  void aTreeWhoseChildrenComeAndGoFreezesAndThawsWithoutFailing() throws Exception {
    // A shell that starts a short-lived child every few milliseconds: some child exits between
    // the listing of the tree and its signal in most rounds.
    Process shell = new ProcessBuilder("sh", "-c", "while true; do sleep 0.002; done").start();
    try {
      for (int round = 0; round < 40; round++) {
        ProcessTrees.freeze(shell.toHandle());
        // a signal is delivered a moment after it is sent: the state changes soon, not at once
        awaitState(shell.pid(), round, true);
        ProcessTrees.thaw(shell.toHandle());
        awaitState(shell.pid(), round, false);
      }
    } finally {
      ProcessTrees.kill(shell.toHandle());
    }
  }

  private static void awaitState(long pid, int round, boolean stopped) {
    Await.until(() -> (state(pid) == 'T') == stopped)
        .every(Duration.ofMillis(1))
        .within(
            Duration.ofSeconds(5),
            () -> "round " + round + ": " + (stopped ? "not stopped" : "still stopped"));
  }

  /** The state letter of /proc/PID/stat: T while stopped. */
  private static char state(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
      return stat.charAt(stat.lastIndexOf(')') + 2);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
