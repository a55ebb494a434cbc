package io.bulwark.devstack;

import io.bulwark.harness.auth.Identities;
import io.bulwark.harness.chaos.ChaosAgent;
import io.bulwark.harness.chaos.PlatformFaults;
import io.bulwark.harness.http.HttpJson;
import io.bulwark.harness.kafka.KafkaCluster;
import io.bulwark.harness.net.Partitions;
import io.bulwark.harness.platform.PlatformLauncher;
import io.bulwark.harness.platform.ServiceDatabases;
import io.bulwark.harness.platform.Topology;
import io.bulwark.harness.postgres.PatroniCluster;
import io.bulwark.harness.postgres.PostgresServer;
import io.bulwark.harness.process.FreePorts;
import io.bulwark.harness.process.ManagedProcess;
import io.bulwark.harness.process.ServiceJvm;
import io.bulwark.harness.tracing.OtlpReceiver;
import io.bulwark.harness.tracing.ZipkinForwarder;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.jspecify.annotations.Nullable;

/**
 * Runs the whole platform on this machine, without Docker: PostgreSQL from the local binaries (a
 * database per service), Kafka (one broker, or three), Zipkin for the traces, the authorization
 * server, inventory-service, order-service and the gateway, each in its own process. All data lives
 * under one directory (the generated passwords and secrets in its owner-only {@code secrets/});
 * Ctrl-C stops everything that was started.
 */
public final class DevStack {

  static final List<String> DEMO_SKUS = List.of("SKU-1", "SKU-2", "SKU-3");

  private static final Topology TOPOLOGY = Topology.local();

  private final Path root;
  private final Path data;
  private final ServiceJvm serviceJvm;
  private final PlatformLauncher launcher;
  private @Nullable KafkaCluster kafka;
  private @Nullable PostgresServer postgres;
  private @Nullable PatroniCluster patroni;
  private @Nullable Partitions partitions;
  private @Nullable ManagedProcess zipkin;
  private @Nullable OtlpReceiver traces;
  private @Nullable ChaosAgent chaos;
  private volatile boolean stopping;

  private DevStack(Path root, Path data) {
    this.root = root;
    this.data = data;
    this.serviceJvm = ServiceJvm.local(data.resolve("jvm-cache"));
    this.launcher =
        new PlatformLauncher(
            TOPOLOGY, Identities.in(secrets(data)), this::startJar, data.resolve("logs"));
  }

  /** Where the local run keeps its identities: for {@code ./bulwark token} too. */
  static Path secrets(Path data) {
    return data.resolve("secrets");
  }

  static Path root() {
    return Path.of(System.getProperty("bulwark.root", ".")).toAbsolutePath().normalize();
  }

  static Path data(Path root) {
    return Path.of(
            System.getenv().getOrDefault("BULWARK_DATA", root.resolve(".bulwark").toString()))
        .toAbsolutePath()
        .normalize();
  }

  public static void main(String[] args) throws Exception {
    Path root = root();
    Path data = data(root);
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
    } catch (RuntimeException | LinkageError e) {
      // a linkage error: classes built at different times (run ./mvnw clean package)
      System.err.println(
          "\n!! start failed: " + (e instanceof LinkageError ? e.toString() : e.getMessage()));
      System.exit(1);
    }
    stopped.await();
  }

  private void start() throws IOException {
    Leftovers leftovers = new Leftovers(data, DevStack::step);
    leftovers
        .liveRun()
        .ifPresent(
            run -> {
              throw new IllegalStateException(
                  "a run on "
                      + data
                      + " is running already (pid "
                      + run.pid()
                      + "): stop it with Ctrl-C or ./bulwark stop");
            });
    leftovers.stop();
    checkPortsFree();
    Files.createDirectories(data);
    Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
    ServiceDatabases databases = startDatabases();

    int brokers = kafkaBrokers();
    String bootstrap = TOPOLOGY.kafkaBootstrap(brokers);
    step(
        brokers == 1
            ? "Kafka (KRaft) on " + bootstrap + " (BULWARK_KAFKA_BROKERS=3 runs three)"
            : "Kafka (KRaft), "
                + brokers
                + " brokers on "
                + bootstrap
                + ": every topic on three of them, a write on two at least");
    // each size keeps its own cluster, so switching between them loses neither
    kafka =
        KafkaCluster.start(
            data.resolve(brokers == 1 ? "kafka" : "kafka-" + brokers),
            TOPOLOGY.kafkaNodes(brokers),
            kafkaClasspath());

    startTraceStore();

    step(
        "services on Java "
            + serviceJvm.featureVersion()
            + " "
            + serviceJvm.flags()
            + " (the first start trains a start-up cache per service)");
    step(
        "authorization server on :"
            + TOPOLOGY.authPort()
            + " (users customer-1, customer-2, operator)");
    launcher.startAuthServer();
    step(
        "inventory-service on :"
            + ports(TOPOLOGY.inventoryPorts())
            + " and order-service on :"
            + ports(TOPOLOGY.orderPorts()));
    launcher.startServices(databases, bootstrap, Map.of());
    launcher.awaitHealthy(Duration.ofSeconds(240));

    seedDemoStock();
    step("gateway on :" + TOPOLOGY.gatewayPort());
    // the console's chaos page acts through an agent in this process, which owns the processes
    chaos =
        PlatformFaults.startAgent(
            launcher, TOPOLOGY.gatewayUrl(), bootstrap, kafka, patroni, partitions != null);
    Map<String, String> gateway = new LinkedHashMap<>(chaos.gatewaySettings());
    if (zipkin != null) {
      gateway.put(
          "bulwark.gateway.console.trace-url",
          "http://localhost:" + TOPOLOGY.zipkinPort() + "/zipkin/traces/{traceId}");
    }
    launcher.startGateway(gateway);
    launcher.awaitHealthy(Duration.ofSeconds(180));

    System.out.println(
        """

        Bulwark is up.
          your orders        http://localhost:%d/  (the customer's page: place, follow, cancel)
          console            http://localhost:%d/console/flow  (the operator's; sign in as
                             operator: the order flow live, each order's timeline; the
                             platform's health; dead letters, redrives and the audit log;
                             faults on purpose under a steady load at /console/chaos)
          gateway            http://localhost:%d   (Swagger UI: /swagger-ui.html, after signing in)
          sign-in            http://127.0.0.1:%d   (users customer-1, customer-2, operator;
                             their passwords in %s/identities.properties)
          order-service      http://localhost:%s
          inventory-service  http://localhost:%s
          actuator           each process on its port + 1000 (gateway: localhost:%d/actuator/health)
          PostgreSQL         %s  databases orders, inventory, each owned by its service's role
          Kafka              %s
          traces             http://localhost:%d/zipkin/   (Zipkin; an order's trace id is the
                             X-Correlation-Id its POST answered with)
          data               %s
          logs               %s/logs
        Try:
          TOKEN=$(./bulwark token customer-1)
          curl -i -X POST localhost:%d/api/orders -H "Authorization: Bearer $TOKEN" \\
               -H 'Content-Type: application/json' \\
               -H "Idempotency-Key: $(cat /proc/sys/kernel/random/uuid)" \\
               -d '{"items":[{"sku":"SKU-1","quantity":2}]}'
          curl -s localhost:%d/api/orders -H "Authorization: Bearer $TOKEN"
        Ctrl-C stops everything.
        """
            .formatted(
                TOPOLOGY.gatewayPort(),
                TOPOLOGY.gatewayPort(),
                TOPOLOGY.gatewayPort(),
                TOPOLOGY.authPort(),
                secrets(data),
                ports(TOPOLOGY.orderPorts()).replace(":", "localhost:"),
                ports(TOPOLOGY.inventoryPorts()).replace(":", "localhost:"),
                TOPOLOGY.managementPortOf(TOPOLOGY.gatewayPort()),
                patroni != null
                    ? "Patroni pair 127.0.0.1:"
                        + ports(TOPOLOGY.postgresPorts())
                        + " (./bulwark status | watch | kill-primary)"
                    : "127.0.0.1:" + TOPOLOGY.postgresPort(),
                bootstrap,
                TOPOLOGY.zipkinPort(),
                data,
                data,
                TOPOLOGY.gatewayPort(),
                TOPOLOGY.gatewayPort()));
  }

  /**
   * The services' databases: on a Patroni pair (primary and synchronous standby, automatic
   * failover) when Patroni and etcd are installed, else on a single PostgreSQL server.
   */
  /** Starts the services' databases; on a Patroni pair, their reads may go to the standby. */
  private ServiceDatabases startDatabases() {
    if (PatroniCluster.available() && !"single".equals(System.getenv("BULWARK_DB"))) {
      List<Integer> nodes = TOPOLOGY.postgresPorts();
      List<Integer> agents = TOPOLOGY.patroniRestPorts();
      step(
          "PostgreSQL HA pair under Patroni: nodes on 127.0.0.1:"
              + ports(nodes)
              + ", REST on :"
              + ports(agents)
              + ", etcd on :"
              + TOPOLOGY.etcdPort());
      // each node in a host of its own where this machine can drop its packets, so that a
      // benchmark (or an operator) can cut the primary off the network as a failed switch would
      partitions = Partitions.available() ? Partitions.open() : null;
      PatroniCluster cluster =
          PatroniCluster.start(
              data.resolve("patroni"),
              TOPOLOGY.etcdPort(),
              TOPOLOGY.etcdPort() + 1,
              List.of(
                  new int[] {nodes.get(0), agents.get(0)}, new int[] {nodes.get(1), agents.get(1)}),
              partitions);
      patroni = cluster;
      cluster.createDatabase("orders");
      cluster.createDatabase("inventory");
      superviseAgents(cluster);
      return new ServiceDatabases(
          cluster.jdbcUrl("orders"),
          cluster.jdbcUrl("inventory"),
          cluster.standbyJdbcUrl("orders"),
          cluster.standbyJdbcUrl("inventory"));
    }
    step("PostgreSQL " + PostgresServer.binDir() + " on 127.0.0.1:" + TOPOLOGY.postgresPort());
    if (!PatroniCluster.available()) {
      step("(no Patroni here: apt-get install patroni etcd-server runs an HA pair instead)");
    }
    PostgresServer server =
        PostgresServer.start(
            data.resolve("postgres"), TOPOLOGY.postgresPort(), Map.of("max_connections", "200"));
    postgres = server;
    server.createDatabase("orders");
    server.createDatabase("inventory");
    return ServiceDatabases.primaryOnly(server.jdbcUrl("orders"), server.jdbcUrl("inventory"));
  }

  /**
   * Restarts a Patroni agent that died (say, killed by {@code ./bulwark kill-primary}), as a
   * service manager would, 15 s later: the node rejoins the cluster as the standby.
   */
  private void superviseAgents(PatroniCluster cluster) {
    Thread supervisor =
        new Thread(
            () -> {
              while (!stopping) {
                for (PatroniCluster.Node node : cluster.nodes()) {
                  if (!stopping && !node.agentAlive()) {
                    // longer than the leader key lives (ttl 4 s): the standby takes over first,
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

  private ManagedProcess startJar(
      String instance, String service, Map<String, String> properties, Path log) {
    Path jar =
        root.resolve(service).resolve("target").resolve(service + "-" + version() + "-exec.jar");
    return serviceJvm.start(instance, jar, properties, log);
  }

  private static String ports(List<Integer> ports) {
    return ports.stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(", :"));
  }

  /**
   * Demo stock, set by the operator before the gateway opens: a healthy gateway means a usable
   * platform.
   */
  private void seedDemoStock() {
    HttpJson http =
        new HttpJson(launcher.inventoryInstances().get(0).url())
            .withBearer(launcher.tokens().of(Identities.OPERATOR));
    for (String sku : DEMO_SKUS) {
      if (http.get("/api/inventory/" + sku).status() == 404) {
        http.put("/api/inventory/" + sku, "{\"available\": 100}");
        step("seeded " + sku + " with 100 available");
      }
    }
  }

  /**
   * Zipkin's server, whose UI shows the traces, fed by an OTLP receiver the services export to: the
   * services speak OTLP only, as they do wherever they run.
   */
  private void startTraceStore() {
    Path jar = root.resolve("devstack/target/zipkin/zipkin-server.jar");
    if (!Files.isRegularFile(jar)) {
      step("no " + root.relativize(jar) + " (./mvnw package -pl devstack fetches it): no traces");
      return;
    }
    step("Zipkin (traces) on :" + TOPOLOGY.zipkinPort());
    zipkin =
        ManagedProcess.start(
            "zipkin",
            List.of(
                ManagedProcess.javaExecutable(),
                "-Xmx384m",
                "-XX:TieredStopAtLevel=1",
                "-jar",
                jar.toString()),
            Map.of(
                "QUERY_PORT",
                String.valueOf(TOPOLOGY.zipkinPort()),
                // in memory, the newest 200,000 spans kept: some 15,000 orders' traces
                "MEM_MAX_SPANS",
                "200000"),
            data.resolve("logs").resolve("zipkin.log"));
    zipkin.awaitHealthy(Topology.url(TOPOLOGY.zipkinPort()) + "/health", Duration.ofSeconds(90));
    traces = OtlpReceiver.forwardingTo(new ZipkinForwarder(Topology.url(TOPOLOGY.zipkinPort())));
    launcher.exportTracesTo(traces.endpoint(), Duration.ofSeconds(1));
  }

  private void stop() {
    stopping = true;
    System.out.println("\n==> stopping");
    if (chaos != null) {
      chaos.close();
    }
    launcher.stop(Duration.ofSeconds(30), name -> System.out.println("    " + name));
    if (traces != null) {
      traces.close();
    }
    if (zipkin != null && zipkin.isAlive()) {
      System.out.println("    zipkin");
      zipkin.stop(Duration.ofSeconds(10));
    }
    if (kafka != null) {
      System.out.println("    kafka");
      kafka.close();
    }
    if (patroni != null) {
      System.out.println("    patroni, postgresql and etcd");
      try {
        patroni.close();
      } catch (RuntimeException e) {
        System.err.println("    patroni stop failed: " + e.getMessage());
      }
    }
    if (partitions != null) {
      partitions.close();
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
    for (int port : TOPOLOGY.allPorts()) {
      if (FreePorts.isOpen(port)) {
        throw new IllegalStateException(
            "port " + port + " is in use: is another Bulwark (or something else) running?");
      }
    }
  }

  /** How many Kafka brokers the run starts: {@code BULWARK_KAFKA_BROKERS}, 1 or 3 (1 if unset). */
  private static int kafkaBrokers() {
    String brokers = System.getenv().getOrDefault("BULWARK_KAFKA_BROKERS", "1");
    return switch (brokers) {
      case "1" -> 1;
      case "3" -> 3;
      default ->
          throw new IllegalStateException(
              "BULWARK_KAFKA_BROKERS is " + brokers + "; the run starts 1 broker or 3");
    };
  }

  private String kafkaClasspath() {
    Path lib = root.resolve("devstack").resolve("target").resolve("lib");
    return lib + File.separator + "*";
  }

  private static String version() {
    String version = DevStack.class.getPackage().getImplementationVersion();
    return version != null ? version : System.getProperty("bulwark.version", "0.1.0-SNAPSHOT");
  }

  private static void step(String message) {
    System.out.println("==> " + message);
  }
}
