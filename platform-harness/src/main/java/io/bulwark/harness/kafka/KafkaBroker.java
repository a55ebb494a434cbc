package io.bulwark.harness.kafka;

import io.bulwark.harness.process.Commands;
import io.bulwark.harness.process.ManagedProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A single Kafka broker in KRaft mode (broker and controller in one process), run from the jars on
 * the devstack's classpath. Its log directory is formatted once and reused by later starts.
 */
public final class KafkaBroker {

  private KafkaBroker() {}

  public static ManagedProcess start(Path dir, int port, int controllerPort, String classpath) {
    Path logs = dir.resolve("logs");
    Path config = dir.resolve("server.properties");
    try {
      Files.createDirectories(logs);
      Files.writeString(config, properties(logs, port, controllerPort));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String java = ManagedProcess.javaExecutable();
    if (!Files.exists(logs.resolve("meta.properties"))) {
      String clusterId = clusterId();
      Commands.run(
          List.of(
              java,
              "-cp",
              classpath,
              "kafka.tools.StorageTool",
              "format",
              "-t",
              clusterId,
              "-c",
              config.toString()),
          120);
    }
    ManagedProcess broker =
        ManagedProcess.start(
            "kafka",
            List.of(
                java,
                "-Xms128m",
                "-Xmx512m",
                "-XX:+UseSerialGC",
                "-cp",
                classpath,
                "kafka.Kafka",
                config.toString()),
            Map.of(),
            dir.resolve("kafka.log"));
    broker.awaitPort(port, Duration.ofSeconds(90));
    return broker;
  }

  private static String properties(Path logs, int port, int controllerPort) {
    return String.join(
        "\n",
        "process.roles=broker,controller",
        "node.id=1",
        "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
        "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
        "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
        "controller.listener.names=CONTROLLER",
        "inter.broker.listener.name=PLAINTEXT",
        "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
        "log.dirs=" + logs,
        "num.partitions=3",
        "offsets.topic.replication.factor=1",
        "transaction.state.log.replication.factor=1",
        "transaction.state.log.min.isr=1",
        "group.initial.rebalance.delay.ms=0",
        "auto.create.topics.enable=true",
        "");
  }

  /** A KRaft cluster id: 16 random bytes, URL-safe base64, never starting with a dash. */
  private static String clusterId() {
    java.security.SecureRandom random = new java.security.SecureRandom();
    byte[] bytes = new byte[16];
    String id;
    do {
      random.nextBytes(bytes);
      id = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    } while (id.startsWith("-"));
    return id;
  }
}
