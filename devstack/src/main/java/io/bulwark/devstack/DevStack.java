package io.bulwark.devstack;

import io.bulwark.testsupport.http.HttpJson;
import io.bulwark.testsupport.postgres.PostgresServer;
import io.bulwark.testsupport.process.BootJar;
import io.bulwark.testsupport.process.FreePorts;
import io.bulwark.testsupport.process.ManagedProcess;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the whole platform on this machine, without Docker: PostgreSQL from the local binaries (a
 * database per service), a Kafka broker, inventory-service, order-service and the gateway, each in
 * its own process. All data lives under one directory; Ctrl-C stops everything that was started.
 */
public final class DevStack {

  static final int GATEWAY_PORT = 8080;
  static final int ORDER_PORT = 8081;
  static final int INVENTORY_PORT = 8082;
  static final int POSTGRES_PORT = 15432;
  static final int KAFKA_PORT = 19092;
  static final int KAFKA_CONTROLLER_PORT = 19093;
  static final List<String> DEMO_SKUS = List.of("SKU-1", "SKU-2", "SKU-3");
  static final List<String> SERVICE_JVM = List.of("-Xms64m", "-Xmx384m", "-XX:+UseSerialGC");

  private final Path root;
  private final Path data;
  private final List<ManagedProcess> processes = new ArrayList<>();
  private PostgresServer postgres;

  private DevStack(Path root, Path data) {
    this.root = root;
    this.data = data;
  }

  public static void main(String[] args) throws Exception {
    Path root = Path.of(System.getProperty("bulwark.root", ".")).toAbsolutePath().normalize();
    Path data =
        Path.of(System.getenv().getOrDefault("BULWARK_DATA", root.resolve(".bulwark").toString()))
            .toAbsolutePath()
            .normalize();
    DevStack stack = new DevStack(root, data);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  stack.stop();
                  stopped.countDown();
                },
                "devstack-stop"));
    try {
      stack.start();
    } catch (RuntimeException e) {
      System.err.println("\n!! start failed: " + e.getMessage());
      System.exit(1);
    }
    stopped.await();
  }

  private void start() throws IOException {
    checkPortsFree();
    Files.createDirectories(data);
    Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
    step("PostgreSQL " + PostgresServer.binDir() + " on 127.0.0.1:" + POSTGRES_PORT);
    postgres =
        PostgresServer.start(
            data.resolve("postgres"), POSTGRES_PORT, Map.of("max_connections", "200"));
    postgres.createDatabase("orders");
    postgres.createDatabase("inventory");

    step("Kafka (KRaft) on 127.0.0.1:" + KAFKA_PORT);
    processes.add(
        KafkaBroker.start(
            data.resolve("kafka"), KAFKA_PORT, KAFKA_CONTROLLER_PORT, kafkaClasspath()));

    String kafka = "127.0.0.1:" + KAFKA_PORT;
    step("inventory-service on :" + INVENTORY_PORT + " and order-service on :" + ORDER_PORT);
    ManagedProcess inventory =
        service(
            "inventory-service",
            Map.of(
                "server.port", String.valueOf(INVENTORY_PORT),
                "spring.datasource.url", postgres.jdbcUrl("inventory"),
                "spring.kafka.bootstrap-servers", kafka));
    ManagedProcess orders =
        service(
            "order-service",
            Map.of(
                "server.port",
                String.valueOf(ORDER_PORT),
                "spring.datasource.url",
                postgres.jdbcUrl("orders"),
                "spring.kafka.bootstrap-servers",
                kafka,
                "spring.cloud.discovery.client.simple.instances.inventory-service[0].uri",
                "http://127.0.0.1:" + INVENTORY_PORT));
    inventory.awaitHealthy(health(INVENTORY_PORT), Duration.ofSeconds(180));
    orders.awaitHealthy(health(ORDER_PORT), Duration.ofSeconds(180));

    step("gateway on :" + GATEWAY_PORT);
    ManagedProcess gateway =
        service(
            "gateway",
            Map.of(
                "server.port", String.valueOf(GATEWAY_PORT),
                "bulwark.gateway.order-service-url", "http://127.0.0.1:" + ORDER_PORT,
                "bulwark.gateway.inventory-service-url", "http://127.0.0.1:" + INVENTORY_PORT));
    gateway.awaitHealthy(health(GATEWAY_PORT), Duration.ofSeconds(180));

    seedDemoStock();
    System.out.println(
        """

        Bulwark is up.
          gateway            http://localhost:%d   (health: /actuator/health)
          order-service      http://localhost:%d
          inventory-service  http://localhost:%d
          PostgreSQL         127.0.0.1:%d  databases: orders, inventory (user postgres)
          Kafka              127.0.0.1:%d
          data               %s
          logs               %s/logs
        Try:
          curl -i -X POST localhost:%d/api/orders -H 'Content-Type: application/json' \\
               -H "Idempotency-Key: $(cat /proc/sys/kernel/random/uuid)" \\
               -d '{"customerId":"c-42","items":[{"sku":"SKU-1","quantity":2}]}'
        Ctrl-C stops everything.
        """
            .formatted(
                GATEWAY_PORT,
                ORDER_PORT,
                INVENTORY_PORT,
                POSTGRES_PORT,
                KAFKA_PORT,
                data,
                data,
                GATEWAY_PORT));
  }

  private ManagedProcess service(String name, Map<String, String> properties) {
    Path jar = root.resolve(name).resolve("target").resolve(name + "-" + version() + "-exec.jar");
    ManagedProcess process =
        BootJar.start(
            name, jar, SERVICE_JVM, properties, data.resolve("logs").resolve(name + ".log"));
    processes.add(process);
    return process;
  }

  private void seedDemoStock() {
    HttpJson http = new HttpJson("http://127.0.0.1:" + GATEWAY_PORT);
    for (String sku : DEMO_SKUS) {
      if (http.get("/api/inventory/" + sku).status() == 404) {
        http.put("/api/inventory/" + sku, "{\"available\": 100}");
        step("seeded " + sku + " with 100 available");
      }
    }
  }

  private void stop() {
    System.out.println("\n==> stopping");
    for (int i = processes.size() - 1; i >= 0; i--) {
      ManagedProcess process = processes.get(i);
      System.out.println("    " + process.name());
      process.stop(Duration.ofSeconds(30));
    }
    if (postgres != null) {
      System.out.println("    postgresql");
      try {
        postgres.stop();
      } catch (RuntimeException e) {
        System.err.println("    postgresql stop failed: " + e.getMessage());
      }
    }
    System.out.println("==> stopped; data kept in " + data);
  }

  private static void checkPortsFree() {
    for (int port :
        List.of(
            GATEWAY_PORT,
            ORDER_PORT,
            INVENTORY_PORT,
            POSTGRES_PORT,
            KAFKA_PORT,
            KAFKA_CONTROLLER_PORT)) {
      if (FreePorts.isOpen(port)) {
        throw new IllegalStateException(
            "port " + port + " is in use: is another Bulwark (or something else) running?");
      }
    }
  }

  private String kafkaClasspath() {
    Path lib = root.resolve("devstack").resolve("target").resolve("lib");
    return lib + File.separator + "*";
  }

  private static String version() {
    String version = DevStack.class.getPackage().getImplementationVersion();
    return version != null ? version : System.getProperty("bulwark.version", "0.1.0-SNAPSHOT");
  }

  private static String health(int port) {
    return "http://127.0.0.1:" + port + "/actuator/health";
  }

  private static void step(String message) {
    System.out.println("==> " + message);
  }
}
