package io.bulwark.harness.process;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Starts an executable Spring Boot jar as a process of its own, with properties as arguments. */
public final class BootJar {

  private BootJar() {}

  /**
   * Starts {@code jar} with the given JVM options and application properties (passed as {@code
   * --key=value}); output goes to {@code log}.
   */
  public static ManagedProcess start(
      String name, Path jar, List<String> jvmOptions, Map<String, String> properties, Path log) {
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          name + ": no jar at " + jar + " (build it with ./mvnw package)");
    }
    List<String> command = new ArrayList<>();
    command.add(ManagedProcess.javaExecutable());
    command.addAll(jvmOptions);
    command.add("-jar");
    command.add(jar.toString());
    properties.forEach((key, value) -> command.add("--" + key + "=" + value));
    return ManagedProcess.start(name, command, Map.of(), log);
  }

  /**
   * The Spring Cloud LoadBalancer's static instance list of {@code service} (its simple discovery
   * client), as properties to pass to a client of that service.
   */
  public static Map<String, String> instanceList(String service, List<String> urls) {
    Map<String, String> properties = new java.util.LinkedHashMap<>();
    for (int i = 0; i < urls.size(); i++) {
      properties.put(
          "spring.cloud.discovery.client.simple.instances." + service + "[" + i + "].uri",
          urls.get(i));
    }
    return properties;
  }
}
