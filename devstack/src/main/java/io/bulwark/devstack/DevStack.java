package io.bulwark.devstack;

import io.bulwark.testsupport.http.HttpJson;
import io.bulwark.testsupport.postgres.PatroniCluster;
import io.bulwark.testsupport.postgres.PostgresServer;
import io.bulwark.testsupport.process.BootJar;
import io.bulwark.testsupport.process.FreePorts;
import io.bulwark.testsupport.process.ManagedProcess;
import io.bulwark.testsupport.process.ServiceJvm;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
  static final List<Integer> ORDER_PORTS = List.of(8081, 8083);
  static final List<Integer> INVENTORY_PORTS = List.of(8082, 8084);
  static final int POSTGRES_PORT = 15432;
  static final int PATRONI_REST_PORT = 18008;
  static final int ETCD_PORT = 12379;
  static final int KAFKA_PORT = 19092;
  static final int KAFKA_CONTROLLER_PORT = 19093;
  static final List<String> DEMO_SKUS = List.of("SKU-1", "SKU-2", "SKU-3");

  private final Path root;
  private final Path data;
  private final ServiceJvm serviceJvm;
  private final List<ManagedProcess> processes = new ArrayList<>();
  private final Map<ManagedProcess, Integer> ports = new java.util.HashMap<>();
  private PostgresServer postgres;
  private PatroniCluster patroni;
  private volatile boolean stopping;
  private String ordersUrl;
  private String inventoryUrl;

  private DevStack(Path root, Path data) {
    this.root = root;
    this.data = data;
    this.serviceJvm = ServiceJvm.local(data.resolve("jvm-cache"));
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
    startDatabases();

    step("Kafka (KRaft) on 127.0.0.1:" + KAFKA_PORT);
    processes.add(
        KafkaBroker.start(
            data.resolve("kafka"), KAFKA_PORT, KAFKA_CONTROLLER_PORT, kafkaClasspath()));

    String kafka = "127.0.0.1:" + KAFKA_PORT;
    step(
        "services on Java "
            + serviceJvm.featureVersion()
            + " "
            + serviceJvm.flags()
            + " (the first start trains a start-up cache per service)");
    step(
        "inventory-service on :"
            + ports(INVENTORY_PORTS)
            + " and order-service on :"
            + ports(ORDER_PORTS));
    List<ManagedProcess> services = new ArrayList<>();
    Map<String, String> inventoryInstances = instances("inventory-service", INVENTORY_PORTS);
    for (int i = 0; i < INVENTORY_PORTS.size(); i++) {
      Map<String, String> properties = new LinkedHashMap<>();
      properties.put("server.port", String.valueOf(INVENTORY_PORTS.get(i)));
      properties.put("spring.datasource.url", inventoryUrl);
      properties.put("spring.kafka.bootstrap-servers", kafka);
      services.add(service("inventory-service", i + 1, properties));
    }
    for (int i = 0; i < ORDER_PORTS.size(); i++) {
      Map<String, String> properties = new LinkedHashMap<>(inventoryInstances);
      properties.put("server.port", String.valueOf(ORDER_PORTS.get(i)));
      properties.put("spring.datasource.url", ordersUrl);
      properties.put("spring.kafka.bootstrap-servers", kafka);
      services.add(service("order-service", i + 1, properties));
    }
    for (ManagedProcess service : services) {
      service.awaitHealthy(health(portOf(service)), Duration.ofSeconds(240));
    }

    seedDemoStock();
    step("gateway on :" + GATEWAY_PORT);
    Map<String, String> gatewayProperties = new LinkedHashMap<>();
    gatewayProperties.put("server.port", String.valueOf(GATEWAY_PORT));
    gatewayProperties.putAll(instances("order-service", ORDER_PORTS));
    gatewayProperties.putAll(inventoryInstances);
    ManagedProcess gateway = service("gateway", 0, gatewayProperties);
    gateway.awaitHealthy(health(GATEWAY_PORT), Duration.ofSeconds(180));

    System.out.println(
        """

        Bulwark is up.
          gateway            http://localhost:%d   (health: /actuator/health)
          order-service      http://localhost:%s
          inventory-service  http://localhost:%s
          PostgreSQL         %s  databases: orders, inventory (user postgres)
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
                ports(ORDER_PORTS).replace(":", "localhost:"),
                ports(INVENTORY_PORTS).replace(":", "localhost:"),
                patroni != null
                    ? "Patroni pair 127.0.0.1:"
                        + POSTGRES_PORT
                        + ",:"
                        + (POSTGRES_PORT + 1)
                        + " (./bulwark status | watch | kill-primary)"
                    : "127.0.0.1:" + POSTGRES_PORT,
                KAFKA_PORT,
                data,
                data,
                GATEWAY_PORT));
  }

  /** Starts instance {@code n} of a service (0 for a single one); logs go to its own file. */
  /**
   * The services' databases: on a Patroni pair (primary and synchronous standby, automatic
   * failover) when Patroni and etcd are installed, else on a single PostgreSQL server.
   */
  private void startDatabases() {
    if (PatroniCluster.available() && !"single".equals(System.getenv("BULWARK_DB"))) {
      step(
          "PostgreSQL HA pair under Patroni: nodes on 127.0.0.1:"
              + POSTGRES_PORT
              + " and :"
              + (POSTGRES_PORT + 1)
              + ", REST on :"
              + PATRONI_REST_PORT
              + " and :"
              + (PATRONI_REST_PORT + 1)
              + ", etcd on :"
              + ETCD_PORT);
      patroni =
          PatroniCluster.start(
              data.resolve("patroni"),
              ETCD_PORT,
              ETCD_PORT + 1,
              List.of(
                  new int[] {POSTGRES_PORT, PATRONI_REST_PORT},
                  new int[] {POSTGRES_PORT + 1, PATRONI_REST_PORT + 1}));
      patroni.createDatabase("orders");
      patroni.createDatabase("inventory");
      ordersUrl = patroni.jdbcUrl("orders");
      inventoryUrl = patroni.jdbcUrl("inventory");
      superviseAgents();
      return;
    }
    step("PostgreSQL " + PostgresServer.binDir() + " on 127.0.0.1:" + POSTGRES_PORT);
    if (!PatroniCluster.available()) {
      step("(no Patroni here: apt-get install patroni etcd-server runs an HA pair instead)");
    }
    postgres =
        PostgresServer.start(
            data.resolve("postgres"), POSTGRES_PORT, Map.of("max_connections", "200"));
    postgres.createDatabase("orders");
    postgres.createDatabase("inventory");
    ordersUrl = postgres.jdbcUrl("orders");
    inventoryUrl = postgres.jdbcUrl("inventory");
  }

  /**
   * Restarts a Patroni agent that died (say, killed by {@code ./bulwark kill-primary}), as a
   * service manager would, 15 s later: the node rejoins the cluster as the standby.
   */
  private void superviseAgents() {
    Thread supervisor =
        new Thread(
            () -> {
              while (!stopping) {
                for (PatroniCluster.Node node : patroni.nodes()) {
                  if (!stopping && !node.agentAlive()) {
                    // longer than the leader key lives (ttl 6 s): the standby takes over first,
                    // and the dead node comes back as its standby rather than reclaiming its lock
                    sleepQuietly(15_000);
                    if (!stopping) {
                      step("restarting Patroni on " + node.name() + "; it rejoins as the standby");
                      node.restart();
                    }
                  }
                }
                sleepQuietly(1_000);
              }
            },
            "patroni-supervisor");
    supervisor.setDaemon(true);
    supervisor.start();
  }

  private static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private ManagedProcess service(String name, int n, Map<String, String> properties) {
    Path jar = root.resolve(name).resolve("target").resolve(name + "-" + version() + "-exec.jar");
    String instance = n == 0 ? name : name + "-" + n;
    ManagedProcess process =
        serviceJvm.start(
            instance, jar, properties, data.resolve("logs").resolve(instance + ".log"));
    processes.add(process);
    ports.put(process, Integer.valueOf(properties.get("server.port")));
    return process;
  }

  private int portOf(ManagedProcess process) {
    return ports.get(process);
  }

  /** The load balancer's static instance list of a service on local ports. */
  private static Map<String, String> instances(String service, List<Integer> ports) {
    return BootJar.instanceList(
        service, ports.stream().map(port -> "http://127.0.0.1:" + port).toList());
  }

  private static String ports(List<Integer> ports) {
    return ports.stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(", :"));
  }

  /** Demo stock, in place before the gateway opens: a healthy gateway means a usable platform. */
  private void seedDemoStock() {
    HttpJson http = new HttpJson("http://127.0.0.1:" + INVENTORY_PORTS.get(0));
    for (String sku : DEMO_SKUS) {
      if (http.get("/api/inventory/" + sku).status() == 404) {
        http.put("/api/inventory/" + sku, "{\"available\": 100}");
        step("seeded " + sku + " with 100 available");
      }
    }
  }

  private void stop() {
    stopping = true;
    System.out.println("\n==> stopping");
    for (int i = processes.size() - 1; i >= 0; i--) {
      ManagedProcess process = processes.get(i);
      System.out.println("    " + process.name());
      process.stop(Duration.ofSeconds(30));
    }
    if (patroni != null) {
      System.out.println("    patroni, postgresql and etcd");
      try {
        patroni.close();
      } catch (RuntimeException e) {
        System.err.println("    patroni stop failed: " + e.getMessage());
      }
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
            ORDER_PORTS.get(0),
            ORDER_PORTS.get(1),
            INVENTORY_PORTS.get(0),
            INVENTORY_PORTS.get(1),
            POSTGRES_PORT,
            POSTGRES_PORT + 1,
            PATRONI_REST_PORT,
            PATRONI_REST_PORT + 1,
            ETCD_PORT,
            ETCD_PORT + 1,
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
