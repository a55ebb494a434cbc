package io.bulwark.system;

import io.bulwark.testsupport.kafka.TestKafka;
import io.bulwark.testsupport.postgres.TestPostgres;
import io.bulwark.testsupport.process.BootJar;
import io.bulwark.testsupport.process.Commands;
import io.bulwark.testsupport.process.FreePorts;
import io.bulwark.testsupport.process.ManagedProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * The whole platform from its built jars: instances of inventory-service and order-service and the
 * gateway, each its own process, on a real PostgreSQL (a database per service, shared by that
 * service's instances) and a real Kafka broker.
 */
final class Platform implements AutoCloseable {

  private static final List<String> JVM =
      List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m");

  final String ordersUrl;
  final String inventoryUrl;
  final JdbcClient orders;
  final JdbcClient inventory;
  final int gatewayPort = FreePorts.next();
  final List<Instance> inventoryInstances = new ArrayList<>();
  final List<Instance> orderInstances = new ArrayList<>();
  private final List<ManagedProcess> processes = new ArrayList<>();

  /** A started service instance, and what it was started with. */
  record Instance(
      ManagedProcess process, int port, String service, int n, Map<String, String> properties) {
    String url() {
      return "http://127.0.0.1:" + port;
    }

    /** Freezes the process: it keeps its sockets but answers nothing (a stalled instance). */
    void stall() {
      Commands.run(List.of("kill", "-STOP", String.valueOf(process.pid())), 10);
    }

    void resume() {
      Commands.run(List.of("kill", "-CONT", String.valueOf(process.pid())), 10);
    }
  }

  /** On the shared test server, a fresh database per service. */
  Platform(int instancesPerService) {
    this(
        instancesPerService,
        TestPostgres.newDatabase("orders"),
        TestPostgres.newDatabase("inventory"));
  }

  /** On the given databases (for example on a primary with a standby). */
  Platform(int instancesPerService, String ordersUrl, String inventoryUrl) {
    this.ordersUrl = ordersUrl;
    this.inventoryUrl = inventoryUrl;
    this.orders = jdbc(ordersUrl);
    this.inventory = jdbc(inventoryUrl);
    String kafka = TestKafka.bootstrapServers();
    Path logs = Path.of("target", "platform-logs");
    try {
      for (int i = 1; i <= instancesPerService; i++) {
        int port = FreePorts.next();
        inventoryInstances.add(
            start(
                "inventory-service",
                i,
                port,
                Map.of(
                    "spring.datasource.url", inventoryUrl,
                    "spring.kafka.bootstrap-servers", kafka),
                logs));
      }
      for (int i = 1; i <= instancesPerService; i++) {
        Map<String, String> properties =
            new LinkedHashMap<>(list("inventory-service", inventoryInstances));
        properties.put("spring.datasource.url", ordersUrl);
        properties.put("spring.kafka.bootstrap-servers", kafka);
        orderInstances.add(start("order-service", i, FreePorts.next(), properties, logs));
      }
      Map<String, String> gateway = new LinkedHashMap<>(list("order-service", orderInstances));
      // these tests drive load from one address; the rate limit has tests of its own
      gateway.put("bulwark.gateway.rate-limit.limit-for-period", "100000");
      gateway.putAll(list("inventory-service", inventoryInstances));
      Instance gatewayInstance = start("gateway", 0, gatewayPort, gateway, logs);
      Duration startup = Duration.ofSeconds(180);
      for (Instance instance : inventoryInstances) {
        instance.process().awaitHealthy(instance.url() + "/actuator/health", startup);
      }
      for (Instance instance : orderInstances) {
        instance.process().awaitHealthy(instance.url() + "/actuator/health", startup);
      }
      gatewayInstance.process().awaitHealthy(gateway() + "/actuator/health", startup);
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  private Instance start(String name, int n, int port, Map<String, String> properties, Path logs) {
    Path jar = Path.of(System.getProperty("bulwark.jars." + name));
    Map<String, String> all = new LinkedHashMap<>(properties);
    all.put("server.port", String.valueOf(port));
    String instance = n == 0 ? name : name + "-" + n;
    ManagedProcess process =
        BootJar.start(instance, jar, JVM, all, logs.resolve(instance + ".log"));
    processes.add(process);
    return new Instance(process, port, name, n, properties);
  }

  /**
   * Starts the service of a stopped instance again, with the same settings on a new port, and waits
   * until it is healthy: for example to consume what a terminated instance left behind.
   */
  Instance restart(Instance stopped) {
    Instance started =
        start(
            stopped.service(),
            stopped.n(),
            FreePorts.next(),
            stopped.properties(),
            Path.of("target", "platform-logs"));
    started.process().awaitHealthy(started.url() + "/actuator/health", Duration.ofSeconds(180));
    return started;
  }

  private static Map<String, String> list(String service, List<Instance> instances) {
    return BootJar.instanceList(service, instances.stream().map(Instance::url).toList());
  }

  String gateway() {
    return "http://127.0.0.1:" + gatewayPort;
  }

  private static JdbcClient jdbc(String url) {
    return JdbcClient.create(new DriverManagerDataSource(url, "postgres", ""));
  }

  @Override
  public void close() {
    for (int i = processes.size() - 1; i >= 0; i--) {
      ManagedProcess process = processes.get(i);
      if (process.isAlive()) {
        Commands.run(List.of("kill", "-CONT", String.valueOf(process.pid())), 10);
        process.stop(Duration.ofSeconds(20));
      }
    }
  }
}
