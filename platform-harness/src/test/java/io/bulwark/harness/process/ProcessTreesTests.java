package io.bulwark.harness.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
        assertThat(state(shell.pid())).as("round %d", round).isEqualTo('T');
        ProcessTrees.thaw(shell.toHandle());
        assertThat(state(shell.pid())).as("round %d", round).isNotEqualTo('T');
      }
    } finally {
      ProcessTrees.kill(shell.toHandle());
    }
  }

  /** The state letter of /proc/PID/stat: T while stopped. */
  private static char state(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
    return stat.charAt(stat.lastIndexOf(')') + 2);
  }
}
