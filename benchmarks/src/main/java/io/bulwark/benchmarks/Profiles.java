package io.bulwark.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Java Flight Recorder profiles of running service instances: a recording started in each with
 * JFR's {@code profile} settings (a stack sample of each running thread every 10 ms), stopped after
 * a phase of load, and read with the services' own JDK's {@code jfr print}: the methods that were
 * running in the most samples, the platform's own frames by their share of the stacks, and a flame
 * graph.
 */
final class Profiles {

  /** What one instance's recording showed. */
  record Profile(
      String instance,
      long samples,
      List<Map.Entry<String, Double>> running,
      List<Map.Entry<String, Double>> ownCode,
      String flameGraph) {}

  private static final String NAME = "bulwark-bench";

  /** How long a JDK tool may take to start or stop a recording, or to summarise one. */
  private static final long TOOL_SECONDS = 60;

  private final Path jcmd;
  private final Path jfr;
  private final Path dir;

  /**
   * @param jdkTool the services' JDK's tools by name
   * @param dir where recordings and flame graphs go
   */
  Profiles(java.util.function.Function<String, Path> jdkTool, Path dir) {
    this.jcmd = jdkTool.apply("jcmd");
    this.jfr = jdkTool.apply("jfr");
    this.dir = dir;
  }

  /** Starts a recording in each of these processes (instance name to process id). */
  void start(Map<String, Long> processes) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    for (var process : processes.entrySet()) {
      run(
          List.of(
              jcmd.toString(),
              String.valueOf(process.getValue()),
              "JFR.start",
              "name=" + NAME,
              "settings=profile",
              "filename=" + recording(process.getKey())),
          TOOL_SECONDS);
    }
  }

  /** Stops the recordings and reads each. */
  List<Profile> stop(Map<String, Long> processes) throws IOException, InterruptedException {
    List<Profile> profiles = new ArrayList<>();
    for (var process : processes.entrySet()) {
      run(
          List.of(jcmd.toString(), String.valueOf(process.getValue()), "JFR.stop", "name=" + NAME),
          TOOL_SECONDS);
      profiles.add(read(process.getKey()));
    }
    return profiles;
  }

  private Profile read(String instance) throws IOException, InterruptedException {
    Path recording = recording(instance);
    FlameGraph graph = new FlameGraph();
    Path samples = dir.resolve(instance + "-samples.txt");
    runTo(
        List.of(
            jfr.toString(),
            "print",
            "--events",
            "jdk.ExecutionSample",
            "--stack-depth",
            "96",
            recording.toString()),
        samples);
    try (BufferedReader lines = Files.newBufferedReader(samples, StandardCharsets.UTF_8)) {
      List<String> stack = null;
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        String trimmed = line.strip();
        if (trimmed.equals("stackTrace = [")) {
          stack = new ArrayList<>();
        } else if (stack != null && trimmed.equals("]")) {
          // printed from the running frame outwards; the graph wants the outermost caller first
          Collections.reverse(stack);
          graph.add(stack);
          stack = null;
        } else if (stack != null && !trimmed.equals("...")) {
          stack.add(frame(trimmed));
        }
      }
    }
    Files.delete(samples);
    String svg = instance + "-flame.svg";
    Files.writeString(dir.resolve(svg), graph.svg(instance + ": CPU samples under load"));
    return new Profile(
        instance,
        graph.samples(),
        graph.running(10),
        graph.inclusive(frame -> frame.startsWith("io.bulwark."), 10),
        dir.getFileName().resolve(svg).toString());
  }

  /** {@code a.b.C.method(String, int) line: 42} as {@code a.b.C.method}. */
  static String frame(String printed) {
    int arguments = printed.indexOf('(');
    return arguments < 0 ? printed : printed.substring(0, arguments);
  }

  private Path recording(String instance) {
    return dir.resolve(instance + ".jfr").toAbsolutePath();
  }

  private static String run(List<String> command, long seconds)
      throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(seconds, TimeUnit.SECONDS) || process.exitValue() != 0) {
      process.destroyForcibly();
      throw new IllegalStateException(String.join(" ", command) + " failed:\n" + out);
    }
    return out;
  }

  private static void runTo(List<String> command, Path file)
      throws IOException, InterruptedException {
    Process process =
        new ProcessBuilder(command)
            .redirectOutput(file.toFile())
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    if (!process.waitFor(5, TimeUnit.MINUTES) || process.exitValue() != 0) {
      process.destroyForcibly();
      throw new IllegalStateException(String.join(" ", command) + " failed");
    }
  }
}
