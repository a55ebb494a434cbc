package io.bulwark.deployment;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code deploy/k8s/validate}: the Kubernetes, CloudNativePG and Strimzi schemas (npm packages
 * pinned by its package-lock.json) and a script that checks rendered manifests against them.
 */
final class SchemaValidator {

  private static final Path DIRECTORY = Repository.path("deploy", "k8s", "validate");
  private static boolean installed;

  private SchemaValidator() {}

  /** Validates every document; returns the validator's report, one line per document. */
  static Tool.Result validate(String manifests) {
    install();
    return Tool.in(DIRECTORY, "node", "validate.mjs").run(manifests);
  }

  private static synchronized void install() {
    if (installed) {
      return;
    }
    if (!Tool.installed("node") || !Tool.installed("npm")) {
      throw new AssertionError("node and npm are needed to validate the manifests (see .ci/run)");
    }
    if (!Files.isDirectory(DIRECTORY.resolve("node_modules"))) {
      Tool.in(DIRECTORY, "npm", "ci", "--no-audit", "--no-fund", "--loglevel=error")
          .run()
          .assertSucceeded("npm ci in deploy/k8s/validate");
    }
    installed = true;
  }
}
