package io.bulwark.harness.process;

import io.bulwark.harness.Await;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A long-running child process (a service, a broker) with its output in a log file. Stopping sends
 * SIGTERM, waits for a graceful exit, then kills what is left, descendants included, so nothing
 * outlives its owner.
 */
public final class ManagedProcess implements AutoCloseable {

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

  private final String name;
  private final Process process;
  private final Path log;

  private ManagedProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  public static ManagedProcess start(
      String name, List<String> command, Map<String, String> environment, Path log) {
    try {
      Files.createDirectories(log.getParent());
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      builder.environment().putAll(environment);
      Process process = builder.start();
      process.getOutputStream().close();
      return new ManagedProcess(name, process, log);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name, e);
    }
  }

  /** {@code java} of the running JVM, so children use the same runtime. */
  public static String javaExecutable() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** Waits until the URL answers 200 with a body containing {@code "UP"}. */
  public void awaitHealthy(String url, Duration timeout) {
    Await.until(
            () -> {
              if (!process.isAlive()) {
                throw new IllegalStateException(
                    name
                        + " exited with "
                        + process.exitValue()
                        + "; see "
                        + log
                        + "\n"
                        + tail(40));
              }
              return isHealthy(url);
            })
        .every(Duration.ofMillis(250))
        .within(timeout, () -> name + " not healthy after " + timeout + "\n" + tail(40));
  }

  /** Whether the URL answers 200 with a body containing {@code "UP"} now. */
  public static boolean isHealthy(String url) {
    try {
      HttpResponse<String> response =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
              HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200 && response.body().contains("\"UP\"");
    } catch (IOException e) {
      return false; // not listening yet
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Waits until something listens on the port. */
  public void awaitPort(int port, Duration timeout) {
    Await.until(
            () -> {
              if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited; see " + log + "\n" + tail(40));
              }
              return FreePorts.isOpen(port);
            })
        .within(timeout, () -> name + " not listening on " + port + "\n" + tail(40));
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public long pid() {
    return process.pid();
  }

  /** The process, to signal it together with its descendants ({@link ProcessTrees}). */
  public ProcessHandle handle() {
    return process.toHandle();
  }

  public String name() {
    return name;
  }

  public Path log() {
    return log;
  }

  /** Graceful stop: SIGTERM, then after the grace period SIGKILL, descendants included. */
  public void stop(Duration grace) {
    List<ProcessHandle> descendants = process.descendants().toList();
    process.destroy();
    try {
      if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    descendants.forEach(ProcessHandle::destroyForcibly);
  }

  /** Sends SIGTERM and returns at once, as a platform does to begin a graceful shutdown. */
  public void terminate() {
    process.destroy();
  }

  /** Waits for the process to end and returns its exit code. */
  public int awaitExit(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError(name + " still runs after " + timeout);
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Crash: SIGKILL without any chance to clean up. */
  public void kill() {
    ProcessTrees.kill(process.toHandle());
  }

  @Override
  public void close() {
    stop(Duration.ofSeconds(20));
  }

  public String tail(int lines) {
    try {
      List<String> all = Files.readAllLines(log);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }
}
