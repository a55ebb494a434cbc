package io.bulwark.system;

import io.bulwark.fixtures.kafka.TestKafka;
import io.bulwark.fixtures.load.OrderLoad;
import io.bulwark.harness.auth.Identities;
import io.bulwark.harness.auth.Tokens;
import io.bulwark.harness.chaos.ChaosAgent;
import io.bulwark.harness.chaos.PlatformFaults;
import io.bulwark.harness.client.PlatformClient;
import io.bulwark.harness.http.HttpJson;
import io.bulwark.harness.kafka.KafkaCluster;
import io.bulwark.harness.platform.PlatformLauncher;
import io.bulwark.harness.platform.PlatformLauncher.Instance;
import io.bulwark.harness.platform.QuietPoint;
import io.bulwark.harness.platform.ServiceDatabases;
import io.bulwark.harness.platform.Topology;
import io.bulwark.harness.postgres.PatroniCluster;
import io.bulwark.harness.process.FreePorts;
import io.bulwark.harness.process.ManagedProcess;
import io.bulwark.harness.process.ServiceJvm;
import io.bulwark.harness.tracing.OtlpReceiver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * The whole platform from its built jars, started by the harness's launcher on free ports: the
 * authorization server, instances of inventory-service and order-service and the gateway, each its
 * own process, on a real PostgreSQL (a database per service, shared by that service's instances)
 * and real Kafka brokers.
 */
final class Platform implements AutoCloseable {

  /**
   * The services as the local run starts them (on Java 25 or later where the machine has one, C1
   * alone, each jar from a start-up cache trained at its first start in the run).
   */
  private static final ServiceJvm JVM = ServiceJvm.local(Path.of("target", "startup-cache"));

  private static final Duration STARTUP = Duration.ofSeconds(180);

  final String ordersUrl;
  final String inventoryUrl;

  /** The Kafka brokers the services use: the shared test broker, or a class's own cluster. */
  final String kafka;

  final JdbcClient orders;
  final JdbcClient inventory;

  /** The instances of each service; a restarted one takes the place of the one it replaces. */
  final List<Instance> inventoryInstances = new ArrayList<>();

  final List<Instance> orderInstances = new ArrayList<>();

  /** Where every instance sends its spans. */
  final OtlpReceiver traces = OtlpReceiver.start();

  private final Topology topology;
  private final PlatformLauncher launcher;
  private final Path logs;
  private final Identities identities;
  private Instance gatewayInstance;
  private @org.jspecify.annotations.Nullable ChaosAgent chaos;

  /**
   * On the given databases (for example on a primary with a standby) and Kafka brokers,
   * order-service with these settings besides its own.
   */
  Platform(
      Path dir,
      int instancesPerService,
      String ordersUrl,
      String inventoryUrl,
      String kafka,
      Map<String, String> orderService) {
    this(
        dir,
        instancesPerService,
        ServiceDatabases.primaryOnly(ordersUrl, inventoryUrl),
        kafka,
        orderService);
  }

  /**
   * The same, each service reading from its database's standby where one is given. {@code dir}
   * holds this platform's identities and its processes' logs: one per test class, so that a failed
   * class's logs hold only its own processes' lines.
   */
  Platform(
      Path dir,
      int instancesPerService,
      ServiceDatabases databases,
      String kafka,
      Map<String, String> orderService) {
    this(dir, instancesPerService, databases, kafka, orderService, Owned.NOTHING);
  }

  /**
   * The brokers and database servers a test class started for its platform alone, which the
   * console's chaos page may then stop, kill and cut off as the local run's.
   */
  record Owned(
      @org.jspecify.annotations.Nullable KafkaCluster kafka,
      @org.jspecify.annotations.Nullable PatroniCluster patroni,
      boolean partitions) {
    static final Owned NOTHING = new Owned(null, null, false);
  }

  /** The same, the chaos page acting on what the class owns. */
  Platform(
      Path dir,
      int instancesPerService,
      ServiceDatabases databases,
      String kafka,
      Map<String, String> orderService,
      Owned owned) {
    String ordersUrl = databases.orders();
    String inventoryUrl = databases.inventory();
    this.ordersUrl = ordersUrl;
    this.inventoryUrl = inventoryUrl;
    this.kafka = kafka;
    this.orders = jdbc(ordersUrl);
    this.inventory = jdbc(inventoryUrl);
    this.topology = Topology.ephemeral(instancesPerService);
    this.identities = Identities.in(dir.resolve("identities"));
    this.logs = dir.resolve("logs");
    this.launcher = new PlatformLauncher(topology, identities, Platform::startJar, logs);
    launcher.exportTracesTo(traces.endpoint(), Duration.ofMillis(500));
    try {
      launcher.startAuthServer();
      launcher.startServices(databases, kafka, orderService);
      // the console's chaos page acts through an agent here, as in the local run, on what the
      // class owns (the shared broker and server are every class's, not its to stop)
      chaos =
          PlatformFaults.startAgent(
              launcher,
              topology.gatewayUrl(),
              kafka,
              owned.kafka(),
              owned.patroni(),
              owned.partitions());
      Map<String, String> gateway = new java.util.LinkedHashMap<>(chaos.gatewaySettings());
      // these tests drive load from one address; the rate limit has tests of its own
      gateway.put("bulwark.gateway.rate-limit.limit-for-period", "100000");
      gatewayInstance = launcher.startGateway(gateway);
      launcher.awaitHealthy(STARTUP);
    } catch (RuntimeException e) {
      close();
      throw e;
    }
    inventoryInstances.addAll(launcher.inventoryInstances());
    orderInstances.addAll(launcher.orderInstances());
  }

  private static ManagedProcess startJar(
      String instance, String service, Map<String, String> properties, Path log) {
    return JVM.start(
        instance, Path.of(System.getProperty("bulwark.jars." + service)), properties, log);
  }

  /** The instance's log as JSON, one object per line. */
  Path jsonLog(Instance instance) {
    return logs.resolve(instance.name() + ".json");
  }

  /**
   * Starts the service of a stopped instance again, with the same settings on a new port, and waits
   * until it is healthy: for example to consume what a terminated instance left behind.
   */
  Instance restart(Instance stopped) {
    return restart(stopped, FreePorts.next());
  }

  /**
   * As {@link #restart(Instance)}, on the port the instance had: the gateway, whose list of
   * instances is fixed, reaches it again (the only way back for a service of one instance).
   */
  Instance restartOnItsPort(Instance stopped) {
    return restart(stopped, stopped.port());
  }

  private Instance restart(Instance stopped, int port) {
    Instance started = launcher.restart(stopped, port, STARTUP);
    List<Instance> instances = instances(stopped.service());
    instances.set(instances.indexOf(stopped), started);
    return started;
  }

  /**
   * A running instance of the service: the first that is alive, or, when an earlier test terminated
   * every one, the first started again. Tests that stop instances stay independent of their order
   * this way.
   */
  Instance running(String service) {
    List<Instance> instances = instances(service);
    return instances.stream()
        .filter(instance -> instance.process().isAlive())
        .findFirst()
        .orElseGet(() -> restart(instances.get(0)));
  }

  private List<Instance> instances(String service) {
    return Topology.ORDER_SERVICE.equals(service) ? orderInstances : inventoryInstances;
  }

  /** The platform's API through the gateway, as {@code customer-1}. */
  PlatformClient client() {
    return new PlatformClient(gateway(), tokens());
  }

  /** The platform's users and clients with their secrets. */
  Identities identities() {
    return identities;
  }

  /** Access tokens of the platform's users and clients. */
  Tokens tokens() {
    return launcher.tokens();
  }

  String issuer() {
    return topology.issuer();
  }

  /** One instance's API, not through the gateway, as {@code customer-1}. */
  HttpJson direct(Instance instance) {
    return new HttpJson(instance.url()).withBearer(tokens().of(Identities.CUSTOMER_1));
  }

  /** One instance's actuator, on its management port. */
  static HttpJson management(Instance instance) {
    return new HttpJson(instance.managementUrl());
  }

  Instance gatewayInstance() {
    return gatewayInstance;
  }

  /** The gateway's actuator, on its management port. */
  HttpJson gatewayManagement() {
    return management(gatewayInstance);
  }

  String gateway() {
    return topology.gatewayUrl();
  }

  /**
   * Waits for a quiet point of the platform (the harness's definition: no saga running, both
   * outboxes drained) and for both consumer groups to have consumed everything published.
   */
  void awaitQuiet() {
    awaitQuietOn(ordersUrl, inventoryUrl, Duration.ofMillis(500));
  }

  /** {@link #awaitQuiet()} on the given databases (say, on the primary after a failover). */
  void awaitQuietOn(String ordersUrl, String inventoryUrl, Duration pause) {
    new QuietPoint(ordersUrl, inventoryUrl).await(Duration.ofSeconds(180), pause);
    awaitConsumers();
  }

  /** Both services' consumer groups have consumed everything published so far. */
  private void awaitConsumers() {
    TestKafka.awaitConsumed(
        kafka, "inventory-service", "bulwark.orders.events", Duration.ofSeconds(60));
    TestKafka.awaitConsumed(
        kafka, "order-service", "bulwark.inventory.events", Duration.ofSeconds(60));
  }

  /**
   * Waits for a quiet point on the given databases (say, the primary after a failover), then checks
   * the load's history there: see {@link OrderLoad#assertNothingLost}; every saga confirmed.
   */
  Map<String, Long> assertNothingLost(OrderLoad load, String ordersUrl, String inventoryUrl) {
    return assertNothingLost(load, ordersUrl, inventoryUrl, OrderLoad.Concluded.CONFIRMED);
  }

  /** As {@link #assertNothingLost(OrderLoad, String, String)}, each saga ending as allowed. */
  Map<String, Long> assertNothingLost(
      OrderLoad load, String ordersUrl, String inventoryUrl, OrderLoad.Concluded concluded) {
    awaitQuietOn(ordersUrl, inventoryUrl, Duration.ofSeconds(1));
    return load.assertNothingLost(dataSource(ordersUrl), dataSource(inventoryUrl), concluded);
  }

  private static javax.sql.DataSource dataSource(String url) {
    return new DriverManagerDataSource(url, "postgres", "");
  }

  static JdbcClient jdbc(String url) {
    return JdbcClient.create(dataSource(url));
  }

  /**
   * Leaves the shared broker as the next test class expects it: every event this platform published
   * consumed (a terminated consumer started again for that); then stops.
   */
  void settleThenClose() {
    try {
      running(Topology.INVENTORY_SERVICE);
      running(Topology.ORDER_SERVICE);
      awaitConsumers();
    } finally {
      close();
    }
  }

  @Override
  public void close() {
    if (chaos != null) {
      chaos.close();
    }
    launcher.close();
    traces.close();
  }
}
