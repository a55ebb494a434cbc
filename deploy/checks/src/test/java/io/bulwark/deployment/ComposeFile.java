package io.bulwark.deployment;

import static io.bulwark.deployment.Manifests.mapAt;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * {@code deploy/compose/docker-compose.yml} as Compose resolves it for {@code up} (its own {@code
 * config} command: anchors, merges and variables), with fresh secrets that {@code secrets.sh} wrote
 * into an env file of their own, as a user makes them.
 */
record ComposeFile(Map<String, Object> services, Map<String, String> secrets, Path env) {

  static ComposeFile resolve(String name) {
    if (!Tool.installed("docker-compose")) {
      throw new AssertionError("docker-compose is needed to validate the file (see .ci/run)");
    }
    Path env = Path.of("target", name + ".env").toAbsolutePath();
    Properties secrets = freshSecrets(env);
    Map<String, String> values = new LinkedHashMap<>();
    secrets.forEach((key, value) -> values.put(key.toString(), value.toString()));
    return new ComposeFile(services(env, List.of()), Map.copyOf(values), env);
  }

  /** Fresh secrets, as a user makes them: {@code secrets.sh} writing the env file {@code env}. */
  static Properties freshSecrets(Path env) {
    try {
      Files.deleteIfExists(env);
      Tool.in(Repository.ROOT, "sh", "deploy/compose/secrets.sh", env.toString())
          .run()
          .assertSucceeded("secrets.sh");
      Properties secrets = new Properties();
      try (var reader = Files.newBufferedReader(env)) {
        secrets.load(reader);
      }
      return secrets;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The stack with {@code overrides} (files in {@code deploy/compose}) laid over it in order, as
   * {@code docker compose -f docker-compose.yml -f <override> up} would run it: the same secrets.
   */
  ComposeFile overlaid(String... overrides) {
    return new ComposeFile(services(env, List.of(overrides)), secrets, env);
  }

  private static Map<String, Object> services(Path env, List<String> overrides) {
    String resolved = config(env, overrides).assertSucceeded("docker-compose config").out();
    return mapAt(new Yaml(new LoaderOptions()).load(resolved), "services");
  }

  /** {@code docker-compose config} with the variables of {@code env}, as it ended. */
  static Tool.Result config(Path env) {
    return config(env, List.of());
  }

  private static Tool.Result config(Path env, List<String> overrides) {
    List<String> command =
        new ArrayList<>(
            List.of(
                "docker-compose",
                "--env-file",
                env.toString(),
                "--file",
                "deploy/compose/docker-compose.yml"));
    for (String override : overrides) {
      command.addAll(List.of("--file", "deploy/compose/" + override));
    }
    command.add("config");
    return Tool.in(Repository.ROOT, command.toArray(String[]::new)).run();
  }

  /** A container's environment, resolved. */
  Map<String, String> environment(String service) {
    Map<String, String> environment = new LinkedHashMap<>();
    mapAt(services, service, "environment")
        .forEach((key, value) -> environment.put(key, String.valueOf(value)));
    return environment;
  }
}
