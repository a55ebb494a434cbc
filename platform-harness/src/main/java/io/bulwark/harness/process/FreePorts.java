package io.bulwark.harness.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free TCP ports on the loopback interface, for processes that bind them later (a service instance,
 * seconds after its port is chosen). Chosen outside the kernel's range for outgoing connections
 * ({@code net.ipv4.ip_local_port_range}), since a port from that range (what binding port 0 gives)
 * may be taken meanwhile by any connection the machine opens, and the process then fails to start
 * with its port in use; never the same port twice from this JVM.
 */
public final class FreePorts {

  /** The ports handed out: below the kernel's range, from here. */
  private static final int LOWEST = 10_000;

  private static final int[] RANGE = chosenFrom(Path.of("/proc/sys/net/ipv4/ip_local_port_range"));
  private static final Set<Integer> GIVEN = ConcurrentHashMap.newKeySet();

  private FreePorts() {}

  public static int next() {
    if (RANGE.length == 2) {
      for (int attempt = 0; attempt < 200; attempt++) {
        int port = ThreadLocalRandom.current().nextInt(RANGE[0], RANGE[1] + 1);
        if (GIVEN.add(port)) {
          if (bindable(port)) {
            return port;
          }
        }
      }
    }
    // no range of our own, or nothing free in it: what the kernel gives
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      GIVEN.add(socket.getLocalPort());
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static boolean isOpen(int port) {
    try (var socket = new java.net.Socket()) {
      socket.connect(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * The ports to choose from, given the kernel's range for outgoing connections (two numbers in
   * {@code file}): those below it from {@value #LOWEST}, or those above it; none (an empty array)
   * when neither leaves a thousand.
   */
  static int[] chosenFrom(Path file) {
    int low = 32_768;
    int high = 60_999;
    try {
      String[] range = Files.readAllLines(file).get(0).trim().split("\\s+");
      low = Integer.parseInt(range[0]);
      high = Integer.parseInt(range[1]);
    } catch (IOException | RuntimeException e) {
      // not Linux, or unreadable: Linux's default range
    }
    if (low - LOWEST >= 1_000) {
      return new int[] {LOWEST, low - 1};
    }
    if (65_535 - high >= 1_000) {
      return new int[] {high + 1, 65_535};
    }
    return new int[0];
  }

  private static boolean bindable(int port) {
    try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
