package io.bulwark.harness.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ports for processes that bind them later, which no outgoing connection may take meanwhile. */
class FreePortsTests {

  @Test
  void portsAreChosenOutsideTheKernelsRangeForOutgoingConnections(@TempDir Path dir)
      throws Exception {
    Path range = dir.resolve("ip_local_port_range");

    Files.writeString(range, "32768\t60999\n");
    assertThat(FreePorts.chosenFrom(range)).containsExactly(10_000, 32_767);
    Files.writeString(range, "10500 40000\n");
    assertThat(FreePorts.chosenFrom(range)).as("too few below").containsExactly(40_001, 65_535);
    Files.writeString(range, "1024 65000\n");
    assertThat(FreePorts.chosenFrom(range)).as("too few either side").isEmpty();
    assertThat(FreePorts.chosenFrom(dir.resolve("missing")))
        .as("Linux's default")
        .containsExactly(10_000, 32_767);
  }

  @Test
  void eachPortHandedOutIsFreeOutsideThisMachinesRangeAndNeverHandedOutTwice() throws Exception {
    int[] outgoing = kernelRange();
    Set<Integer> seen = new HashSet<>();
    for (int i = 0; i < 50; i++) {
      int port = FreePorts.next();
      assertThat(seen.add(port)).as("handed out once: " + port).isTrue();
      assertThat(port < outgoing[0] || port > outgoing[1]).as(port + " outside").isTrue();
      try (ServerSocket bound = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
        assertThat(bound.getLocalPort()).isEqualTo(port);
      }
    }
  }

  private static int[] kernelRange() throws Exception {
    Path file = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
    if (!Files.exists(file)) {
      return new int[] {32_768, 60_999};
    }
    String[] range = Files.readAllLines(file).get(0).trim().split("\\s+");
    return new int[] {Integer.parseInt(range[0]), Integer.parseInt(range[1])};
  }
}
