package io.bulwark.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.bulwark.harness.process.FreePorts;
import io.bulwark.harness.process.ManagedProcess;
import io.bulwark.harness.process.ServiceJvm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local run's start-up cache ({@link ServiceJvm}) on the real gateway jar, whose context needs
 * nothing else to refresh: trained on the first start, used by the next, and never in the way of a
 * start when it cannot be made.
 */
class StartupCacheSystemTests {

  private static final Path GATEWAY = Path.of(System.getProperty("bulwark.jars.gateway"));

  @TempDir Path dir;

  @Test
  void theFirstStartTrainsTheCacheAndTheNextStartsFromItWithoutTraining() throws IOException {
    ServiceJvm jvm = ServiceJvm.local(dir.resolve("cache"));

    Started first = startAndStop(jvm, dir.resolve("first.log"));
    Started second =
        startAndStop(ServiceJvm.local(dir.resolve("cache")), dir.resolve("second.log"));

    assertThat(first.log()).contains("training the start-up cache");
    assertThat(first.usedCache()).isTrue();
    assertThat(second.log()).doesNotContain("training the start-up cache");
    assertThat(second.log()).doesNotContain("start-up cache unavailable");
    assertThat(second.usedCache()).isTrue();
    try (var files = Files.walk(dir.resolve("cache"))) {
      assertThat(files.map(Path::getFileName).map(Path::toString))
          .containsAnyOf("app.aot", "app.jsa");
    }
  }

  @Test
  void aCacheThatCannotBeMadeLeavesTheServiceStartingWithoutIt() throws IOException {
    Path notADirectory = Files.writeString(dir.resolve("cache"), "in the way");

    Started plain = startAndStop(ServiceJvm.local(notADirectory), dir.resolve("plain.log"));

    assertThat(plain.log()).contains("start-up cache unavailable, starting without it");
    assertThat(plain.usedCache()).isFalse();
  }

  /** A gateway that came up healthy: its log, and whether its JVM mapped a start-up cache. */
  private record Started(String log, boolean usedCache) {}

  private static Started startAndStop(ServiceJvm jvm, Path log) throws IOException {
    int port = FreePorts.next();
    int management = FreePorts.next();
    boolean usedCache;
    try (ManagedProcess gateway =
        jvm.start(
            "gateway",
            GATEWAY,
            Map.of(
                "server.port", String.valueOf(port),
                "management.server.port", String.valueOf(management)),
            log)) {
      gateway.awaitHealthy(
          "http://127.0.0.1:" + management + "/actuator/health", Duration.ofSeconds(120));
      List<String> arguments =
          List.of(ProcessHandle.of(gateway.pid()).orElseThrow().info().arguments().orElseThrow());
      usedCache =
          arguments.stream()
              .anyMatch(
                  a -> a.startsWith("-XX:AOTCache=") || a.startsWith("-XX:SharedArchiveFile="));
    }
    return new Started(Files.readString(log), usedCache);
  }
}
