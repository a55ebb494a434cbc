package io.bulwark.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import io.bulwark.harness.process.ServiceJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real JVM profiled as the benchmark profiles the services: with the services' JDK's jcmd and
 * jfr, a recording started and stopped in a running process, then read.
 */
class ProfilesTests {

  /** Spins in one method until killed: what the profile must find. */
  public static final class Spinner {
    public static void main(String[] args) {
      long sum = 0;
      while (true) {
        sum = spin(sum);
      }
    }

    static long spin(long seed) {
      long x = seed + 1;
      for (int i = 0; i < 10_000; i++) {
        x ^= x << 13;
        x ^= x >>> 7;
        x ^= x << 17;
      }
      return x;
    }
  }

  @Test
  void aRunningJvmsProfileNamesTheMethodItSpendsItsTimeIn(@TempDir Path dir) throws Exception {
    ServiceJvm jvm = ServiceJvm.local(dir.resolve("cache"));
    Process spinner =
        new ProcessBuilder(
                jvm.tool("java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                Spinner.class.getName())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    try {
      Profiles profiles = new Profiles(jvm::tool, dir.resolve("profiles"));
      Map<String, Long> process = Map.of("spinner", spinner.pid());
      profiles.start(process);
      Thread.sleep(3_000);

      List<Profiles.Profile> read = profiles.stop(process);

      Profiles.Profile profile = read.get(0);
      assertThat(profile.samples()).isGreaterThan(20);
      assertThat(profile.running())
          .first()
          .satisfies(
              hottest -> {
                assertThat(hottest.getKey()).endsWith("ProfilesTests$Spinner.spin");
                assertThat(hottest.getValue()).isGreaterThan(0.5);
              });
      assertThat(Files.readString(dir.resolve(profile.flameGraph())))
          .contains("ProfilesTests$Spinner.spin");
    } finally {
      spinner.destroyForcibly().waitFor();
    }
  }
}
