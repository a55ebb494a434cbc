package io.bulwark.benchmarks;

import io.bulwark.harness.Await;
import io.bulwark.harness.auth.Identities;
import io.bulwark.harness.auth.Tokens;
import io.bulwark.harness.net.Partitions;
import io.bulwark.harness.platform.Topology;
import io.bulwark.harness.postgres.PatroniCluster;
import io.bulwark.harness.process.BootJar;
import io.bulwark.harness.process.FreePorts;
import io.bulwark.harness.process.ManagedProcess;
import io.bulwark.harness.process.ServiceJvm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The local run ({@code ./bulwark run}'s platform) started for a benchmark, on a data directory of
 * its own, and stopped with it. Its ports are the harness's {@link Topology#local()}.
 */
final class LocalRun implements AutoCloseable {

  static final Topology TOPOLOGY = Topology.local();
  static final String GATEWAY = TOPOLOGY.gatewayUrl();
  static final Map<String, Integer> SERVICES = TOPOLOGY.instances();
  static final String ORDERS_DB = TOPOLOGY.pairJdbcUrl("orders");
  static final String INVENTORY_DB = TOPOLOGY.pairJdbcUrl("inventory");
  static final List<Integer> PATRONI_REST = TOPOLOGY.patroniRestPorts();

  final Path root;
  final Path data;
  final Duration startup;
  private final ManagedProcess process;
  private final ServiceJvm serviceJvm;

  private LocalRun(Path root, Path data, ManagedProcess process, Duration startup) {
    this.root = root;
    this.data = data;
    this.process = process;
    this.startup = startup;
    this.serviceJvm = ServiceJvm.local(data.resolve("jvm-cache"));
  }

  private @Nullable Tokens tokens;
  private @Nullable PatroniCluster patroni;
  private @Nullable Partitions partitions;

  /** Access tokens of the local run's users, from its authorization server, each kept till due. */
  synchronized Tokens tokens() {
    if (tokens == null) {
      tokens = new Tokens(TOPOLOGY.issuer(), identities());
    }
    return tokens;
  }

  private Identities identities() {
    return Identities.existingIn(data.resolve("secrets"));
  }

  /** How the local run starts its services (the same Java, flags and start-up caches). */
  ServiceJvm serviceJvm() {
    return serviceJvm;
  }

  static LocalRun start(Path root, Path data, Path log) {
    String version = System.getProperty("bulwark.version", "0.1.0-SNAPSHOT");
    long started = System.nanoTime();
    ManagedProcess process =
        ManagedProcess.start(
            "local run",
            List.of(
                ManagedProcess.javaExecutable(),
                // as ./bulwark run starts it: C1 alone, no minutes of C2 beside the platform
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-Dbulwark.root=" + root,
                "-Dbulwark.version=" + version,
                "-cp",
                root.resolve("devstack/target/devstack-" + version + ".jar")
                    + ":"
                    + root.resolve("devstack/target/lib/*"),
                "io.bulwark.devstack.DevStack"),
            Map.of(
                "BULWARK_DATA",
                data.toString(),
                // the mark ./bulwark run gives its processes: a run killed with the benchmark is
                // cleaned up after by the next
                "BULWARK_RUN_DATA",
                data.toString(),
                // what is measured is the platform, not the gateway's per-caller limit: the load
                // is one customer's
                "BULWARK_GATEWAY_RATELIMIT_LIMITFORPERIOD",
                "100000000"),
            log);
    try {
      process.awaitHealthy(
          Topology.url(TOPOLOGY.managementPortOf(TOPOLOGY.gatewayPort())) + "/actuator/health",
          Duration.ofMinutes(5));
    } catch (RuntimeException e) {
      process.close();
      throw e;
    }
    return new LocalRun(root, data, process, Duration.ofNanos(System.nanoTime() - started));
  }

  /** The service's start time as Spring Boot logged it ("Started … in N seconds"). */
  Optional<Double> startSeconds(String instance) throws IOException {
    Path log = data.resolve("logs").resolve(instance + ".log");
    if (!Files.exists(log)) {
      return Optional.empty();
    }
    Pattern started = Pattern.compile("Started \\S+ in ([0-9.]+) seconds");
    Double last = null;
    for (String line : Files.readAllLines(log)) {
      Matcher m = started.matcher(line);
      if (m.find()) {
        last = Double.parseDouble(m.group(1));
      }
    }
    return Optional.ofNullable(last);
  }

  /** Resident memory of the process listening on the port, in MiB (from /proc). */
  static Optional<Double> rssMiB(int port) throws IOException {
    for (long pid : ProcessCpu.pids()) {
      String cmdline =
          ProcessCpu.read(Path.of("/proc", String.valueOf(pid), "cmdline")).replace('\0', ' ');
      if (cmdline.contains("server.port=" + port + " ")
          || cmdline.endsWith("server.port=" + port)) {
        return rssMiB(pid);
      }
    }
    return Optional.empty();
  }

  private static Optional<Double> rssMiB(long pid) {
    for (String line :
        ProcessCpu.read(Path.of("/proc", String.valueOf(pid), "status")).split("\n")) {
      if (line.startsWith("VmRSS:")) {
        return Optional.of(Long.parseLong(line.replaceAll("\\D", "")) / 1024.0);
      }
    }
    return Optional.empty();
  }

  /** A service started alone, with the local run up around it. */
  record SoloStart(double secondsToHealthy, double springSeconds, double rssMiB) {}

  /**
   * Starts one more instance of the service by itself on a spare port, with the JVM flags and
   * settings of the local run's instances, and measures its start: the time to a healthy {@code
   * /actuator/health}, Spring Boot's own figure, and its memory once up. Then stops it.
   */
  SoloStart soloStart(String service, int port, Path log) throws IOException, InterruptedException {
    String version = System.getProperty("bulwark.version", "0.1.0-SNAPSHOT");
    int management = FreePorts.next();
    Map<String, String> properties = new LinkedHashMap<>();
    properties.put("server.port", String.valueOf(port));
    properties.put("management.server.port", String.valueOf(management));
    properties.put("spring.kafka.bootstrap-servers", TOPOLOGY.kafkaBootstrap(1));
    properties.put("spring.security.oauth2.resourceserver.jwt.issuer-uri", TOPOLOGY.issuer());
    Map<String, String> firstOrders = firstInstance(Topology.ORDER_SERVICE);
    Map<String, String> firstInventory = firstInstance(Topology.INVENTORY_SERVICE);
    switch (service) {
      case Topology.ORDER_SERVICE -> {
        properties.put("spring.datasource.url", ORDERS_DB);
        properties.putAll(firstInventory);
        properties.putAll(Identities.importing(identities().orderServiceSettings()));
      }
      case Topology.INVENTORY_SERVICE -> {
        properties.put("spring.datasource.url", INVENTORY_DB);
        properties.putAll(Identities.importing(identities().inventoryServiceSettings()));
      }
      default -> {
        properties.putAll(firstOrders);
        properties.putAll(firstInventory);
        properties.putAll(Identities.importing(identities().gatewaySettings()));
      }
    }
    long started = System.nanoTime();
    // the Java, flags and start-up cache of the local run's instances
    try (ManagedProcess process =
        serviceJvm.start(
            service + " alone",
            root.resolve(service + "/target/" + service + "-" + version + "-exec.jar"),
            properties,
            log)) {
      String health = Topology.url(management) + "/actuator/health";
      // polled every 50 ms: the time to healthy is the figure measured
      Await.until(
              () -> {
                if (!process.isAlive()) {
                  throw new IllegalStateException(service + " did not start alone; see " + log);
                }
                return ManagedProcess.isHealthy(health);
              })
          .every(Duration.ofMillis(50))
          .within(Duration.ofMinutes(2), () -> service + " did not start alone; see " + log);
      double toHealthy = (System.nanoTime() - started) / 1e9;
      Thread.sleep(2_000);
      Matcher m =
          Pattern.compile("Started \\S+ in ([0-9.]+) seconds").matcher(Files.readString(log));
      double spring = m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
      return new SoloStart(toHealthy, spring, rssMiB(process.pid()).orElse(Double.NaN));
    }
  }

  /** The load balancer's list of a service's first local instance alone. */
  private static Map<String, String> firstInstance(String service) {
    return BootJar.instanceList(service, List.of(Topology.url(TOPOLOGY.ports(service).get(0))));
  }

  /** Kills the primary's postmaster and its Patroni agent ({@code ./bulwark kill-primary}). */
  void killPrimary() throws IOException, InterruptedException {
    ProcessBuilder kill =
        new ProcessBuilder(root.resolve("bulwark").toString(), "kill-primary")
            .redirectErrorStream(true);
    kill.environment().put("BULWARK_DATA", data.toString());
    Process p = kill.start();
    String out = new String(p.getInputStream().readAllBytes());
    if (p.waitFor() != 0) {
      throw new IllegalStateException("kill-primary failed: " + out);
    }
  }

  /**
   * The local run's Patroni cluster, as a view that starts and stops nothing: its nodes, a watch on
   * a failover, and a node cut off the network where this machine can drop packets (the local run
   * starts each node in a host of its own there).
   */
  synchronized PatroniCluster patroni() {
    if (patroni == null) {
      partitions = Partitions.available() ? Partitions.open() : null;
      List<int[]> nodes = new ArrayList<>();
      for (int i = 0; i < PATRONI_REST.size(); i++) {
        nodes.add(new int[] {TOPOLOGY.postgresPorts().get(i), PATRONI_REST.get(i)});
      }
      patroni =
          PatroniCluster.attach(data.resolve("patroni"), TOPOLOGY.etcdPort(), nodes, partitions);
    }
    return patroni;
  }

  /** Whether {@link #patroni()}'s nodes can be cut off the network. */
  synchronized boolean canPartition() {
    patroni();
    return partitions != null;
  }

  /** The port of the PostgreSQL node that is primary now (the only one without Patroni). */
  int primaryPort() {
    return patroni().primary().map(PatroniCluster.Node::pgPort).orElse(TOPOLOGY.postgresPort());
  }

  /** Whether the local run's PostgreSQL runs under Patroni: a node's agent answers. */
  boolean underPatroni() {
    return patroni().nodes().stream().anyMatch(node -> node.timeline() >= 0);
  }

  @Override
  public void close() {
    if (partitions != null) {
      partitions.close(); // no node stays cut off
    }
    process.stop(Duration.ofSeconds(90));
  }
}
