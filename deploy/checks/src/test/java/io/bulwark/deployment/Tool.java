package io.bulwark.deployment;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A command-line tool the deployment is checked with (kubectl, node, docker-compose, npm). */
record Tool(List<String> command, Path directory, Map<String, String> environment) {

  /** What one run printed, and how it ended. */
  record Result(int exit, String out, String err) {
    Result assertSucceeded(String what) {
      if (exit != 0) {
        throw new AssertionError(what + " exited " + exit + "\n" + err + "\n" + out);
      }
      return this;
    }
  }

  static Tool in(Path directory, String... command) {
    return new Tool(List.of(command), directory, Map.of());
  }

  /** The same command with these variables added to its environment. */
  Tool with(Map<String, String> variables) {
    Map<String, String> all = new java.util.HashMap<>(environment);
    all.putAll(variables);
    return new Tool(command, directory, Map.copyOf(all));
  }

  /** Whether the program is on the PATH. */
  static boolean installed(String program) {
    return List.of(System.getenv("PATH").split(":")).stream()
        .anyMatch(dir -> Path.of(dir, program).toFile().canExecute());
  }

  Result run() {
    return run("");
  }

  Result run(String input) {
    try {
      ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile());
      builder.environment().putAll(environment);
      Process process = builder.start();
      CompletableFuture<String> err =
          CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
      CompletableFuture<String> out =
          CompletableFuture.supplyAsync(() -> read(process.getInputStream()));
      try (var stdin = process.getOutputStream()) {
        stdin.write(input.getBytes(StandardCharsets.UTF_8));
      }
      if (!process.waitFor(5, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new AssertionError("timed out: " + String.join(" ", command));
      }
      return new Result(process.exitValue(), out.join(), err.join());
    } catch (IOException e) {
      throw new AssertionError("cannot run " + String.join(" ", command) + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static String read(java.io.InputStream stream) {
    try {
      return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
