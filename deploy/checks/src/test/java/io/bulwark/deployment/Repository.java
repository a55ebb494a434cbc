package io.bulwark.deployment;

import java.nio.file.Path;

/** The repository this build runs in: where the manifests and the built images are. */
final class Repository {

  static final Path ROOT = Path.of(System.getProperty("bulwark.root", "../..")).normalize();
  static final String VERSION = System.getProperty("bulwark.version", "0.1.0-SNAPSHOT");

  private Repository() {}

  static Path path(String first, String... more) {
    return ROOT.resolve(Path.of(first, more));
  }
}
