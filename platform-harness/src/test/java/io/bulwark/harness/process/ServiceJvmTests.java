package io.bulwark.harness.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServiceJvmTests {

  @TempDir Path installed;

  @Test
  void theServicesRunOnTheNewestInstalledJavaOfTwentyFiveOrLater() throws IOException {
    jdk("java-17-openjdk-amd64", "17.0.13", true);
    Path java25 = jdk("temurin-25-jdk-amd64", "25.0.1", true);
    jdk("jdk-26-without-java", "26-ea", false);
    jdk("not-a-jdk", null, true);

    assertThat(ServiceJvm.newestIn(installed, "/fallback/java", 17)).isEqualTo(java25.toString());
  }

  @Test
  void withoutAJavaOfTwentyFiveOrLaterNewerThanTheirOwnTheyRunOnTheTestsJava() throws IOException {
    jdk("java-17-openjdk-amd64", "17.0.13", true);
    jdk("java-21-openjdk-amd64", "21.0.5", true);
    assertThat(ServiceJvm.newestIn(installed, "/fallback/java", 17)).isEqualTo("/fallback/java");

    jdk("temurin-25-jdk-amd64", "25.0.1", true);
    assertThat(ServiceJvm.newestIn(installed, "/fallback/java", 25)).isEqualTo("/fallback/java");
    assertThat(ServiceJvm.newestIn(installed.resolve("missing"), "/fallback/java", 17))
        .isEqualTo("/fallback/java");
  }

  /** A JDK home with a release file of this version (none if null) and maybe a bin/java. */
  private Path jdk(String name, @Nullable String version, boolean withJava) throws IOException {
    Path home = Files.createDirectories(installed.resolve(name));
    if (version != null) {
      Files.writeString(
          home.resolve("release"), "IMPLEMENTOR=\"x\"\nJAVA_VERSION=\"" + version + "\"\n");
    }
    Path java = home.resolve("bin").resolve("java");
    if (withJava) {
      Files.createDirectories(java.getParent());
      Files.writeString(java, "#!/bin/sh\n");
      Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    return java;
  }
}
