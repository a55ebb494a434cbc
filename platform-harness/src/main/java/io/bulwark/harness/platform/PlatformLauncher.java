package io.bulwark.harness.platform;

import static io.bulwark.harness.postgres.ServiceDatabase.INVENTORY_SERVICE_ROLE;
import static io.bulwark.harness.postgres.ServiceDatabase.ORDER_SERVICE_ROLE;

import io.bulwark.harness.auth.Identities;
import io.bulwark.harness.auth.Tokens;
import io.bulwark.harness.postgres.ServiceDatabase;
import io.bulwark.harness.process.BootJar;
import io.bulwark.harness.process.Commands;
import io.bulwark.harness.process.ManagedProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Starts the platform's services on a {@link Topology}: the authorization server (with the
 * platform's {@link Identities}), the inventory-service instances, the order-service instances
 * (each told where the inventory instances are), and the gateway (told where both are), each its
 * own process with its logs in one directory ({@code <instance>.log} as the console shows it,
 * {@code <instance>.json} a JSON object per line), each told the issuer whose tokens it accepts.
 * The local run ({@code ./bulwark run}) and the system tests start the platform with it; they
 * differ only in how a jar becomes a process ({@link Starter}) and in the databases and broker they
 * hand it.
 *
 * <p>Each instance is started on a thread of its own, so what a {@link Starter} does before the
 * process runs (a first start's training of a start-up cache, say) overlaps with the other
 * services' instead of adding up; {@link #awaitHealthy} and the instance lists wait for those
 * starts, and a start that failed fails them.
 */
public final class PlatformLauncher implements AutoCloseable {

  /** How a service's jar becomes a running process: its JVM, its flags, its start-up cache. */
  @FunctionalInterface
  public interface Starter {
    ManagedProcess start(String instance, String service, Map<String, String> properties, Path log);
  }

  /** A started instance of a service, and what it was started with. */
  public record Instance(
      String service,
      int n,
      int port,
      int managementPort,
      ManagedProcess process,
      Map<String, String> properties) {

    /** {@code order-service-1}, ..., or the service's name alone for a single instance (n = 0). */
    public String name() {
      return name(service, n);
    }

    static String name(String service, int n) {
      return n == 0 ? service : service + "-" + n;
    }

    public String url() {
      return Topology.url(port);
    }

    /** The actuator's address: on the management port, never routed by the gateway. */
    public String managementUrl() {
      return Topology.url(managementPort);
    }

    public String health() {
      return managementUrl() + "/actuator/health";
    }

    /** Freezes the process: it keeps its sockets but answers nothing (a stalled instance). */
    public void stall() {
      Commands.run(List.of("kill", "-STOP", String.valueOf(process.pid())), 10);
    }

    public void resume() {
      Commands.run(List.of("kill", "-CONT", String.valueOf(process.pid())), 10);
    }
  }

  private final Topology topology;
  private final Identities identities;
  private final Tokens tokens;
  private final Starter starter;
  private final Path logs;
  private final List<CompletableFuture<Instance>> started = new CopyOnWriteArrayList<>();
  private final Map<String, String> everyInstance = new LinkedHashMap<>();
  private final List<CompletableFuture<Instance>> inventory = new CopyOnWriteArrayList<>();
  private final List<CompletableFuture<Instance>> orders = new CopyOnWriteArrayList<>();
  private volatile @Nullable ServiceDatabases databases;
  private boolean stopped;

  public PlatformLauncher(Topology topology, Identities identities, Starter starter, Path logs) {
    this.topology = topology;
    this.identities = identities;
    this.tokens = new Tokens(topology.issuer(), identities);
    this.starter = starter;
    this.logs = logs;
  }

  /**
   * The tokens of the platform's users and clients, from the authorization server started here: one
   * source for the launcher's life, so each token is fetched once and kept until it is due.
   */
  public Tokens tokens() {
    return tokens;
  }

  /**
   * Every instance started from now on exports its spans over OTLP to {@code endpoint} (an {@code
   * OtlpReceiver}'s, say), in batches sent every {@code delay}.
   */
  public void exportTracesTo(String endpoint, Duration delay) {
    everyInstance.put("management.opentelemetry.tracing.export.otlp.endpoint", endpoint);
    everyInstance.put(
        "management.opentelemetry.tracing.export.schedule-delay", delay.toMillis() + "ms");
  }

  /**
   * Starts the authorization server, without waiting: the issuer of every token the platform
   * accepts, with the demo users and the clients of {@link Identities}.
   */
  public void startAuthServer() {
    String gateway = topology.gatewayUrl();
    Path settings =
        identities.authServerSettings(
            topology.issuer(), List.of(gateway, gateway.replace("127.0.0.1", "localhost")));
    start(
        Topology.AUTH_SERVER,
        0,
        topology.authPort(),
        new LinkedHashMap<>(Identities.importing(settings)));
  }

  /**
   * Starts every inventory-service and order-service instance of the topology, without waiting,
   * each service connecting as its own database role, which owns its database (made so here), and
   * reading from its standby where one is given; order-service with these settings besides.
   */
  public void startServices(
      ServiceDatabases databases, String kafkaBootstrap, Map<String, String> orderServiceSettings) {
    this.databases = databases;
    String ordersUrl = databases.orders();
    String inventoryUrl = databases.inventory();
    ServiceDatabase.ownedBy(
        ordersUrl, ORDER_SERVICE_ROLE, identities.databasePassword(ORDER_SERVICE_ROLE));
    ServiceDatabase.ownedBy(
        inventoryUrl, INVENTORY_SERVICE_ROLE, identities.databasePassword(INVENTORY_SERVICE_ROLE));
    List<Integer> inventoryPorts = topology.ports(Topology.INVENTORY_SERVICE);
    for (int i = 0; i < inventoryPorts.size(); i++) {
      Map<String, String> properties = new LinkedHashMap<>(acceptingTokens());
      properties.putAll(Identities.importing(identities.inventoryServiceSettings()));
      properties.put("spring.datasource.url", inventoryUrl);
      standbyReads(properties, databases.inventoryStandby());
      properties.put("spring.kafka.bootstrap-servers", kafkaBootstrap);
      inventory.add(start(Topology.INVENTORY_SERVICE, i + 1, inventoryPorts.get(i), properties));
    }
    List<Integer> orderPorts = topology.ports(Topology.ORDER_SERVICE);
    for (int i = 0; i < orderPorts.size(); i++) {
      Map<String, String> properties =
          new LinkedHashMap<>(instanceList(Topology.INVENTORY_SERVICE, inventoryPorts));
      properties.putAll(acceptingTokens());
      properties.putAll(Identities.importing(identities.orderServiceSettings()));
      properties.put("spring.datasource.url", ordersUrl);
      standbyReads(properties, databases.ordersStandby());
      properties.put("spring.kafka.bootstrap-servers", kafkaBootstrap);
      properties.putAll(orderServiceSettings);
      orders.add(start(Topology.ORDER_SERVICE, i + 1, orderPorts.get(i), properties));
    }
  }

  /**
   * The databases the services were started on (their URLs reach the primary as the superuser
   * {@code postgres}, which the local servers trust), once {@link #startServices} has run.
   */
  public Optional<ServiceDatabases> databases() {
    return Optional.ofNullable(databases);
  }

  private static void standbyReads(Map<String, String> properties, @Nullable String standby) {
    if (standby != null) {
      properties.put("bulwark.standby-reads.url", standby);
    }
  }

  /**
   * Starts the gateway in front of the topology's services, without waiting for its health: the
   * instance once its process runs.
   */
  public Instance startGateway(Map<String, String> settings) {
    Map<String, String> properties = new LinkedHashMap<>(acceptingTokens());
    properties.putAll(Identities.importing(identities.gatewaySettings()));
    properties.putAll(settings);
    properties.putAll(instanceList(Topology.ORDER_SERVICE, topology.ports(Topology.ORDER_SERVICE)));
    properties.putAll(
        instanceList(Topology.INVENTORY_SERVICE, topology.ports(Topology.INVENTORY_SERVICE)));
    properties.putAll(watchedInstances());
    return joined(start(Topology.GATEWAY, 0, topology.gatewayPort(), properties));
  }

  /**
   * The instances the console's health page watches, each by its management address: the
   * authorization server and every instance of both services.
   */
  private Map<String, String> watchedInstances() {
    Map<String, String> properties = new LinkedHashMap<>();
    List<Map.Entry<String, Integer>> watched = new ArrayList<>();
    watched.add(Map.entry(Topology.AUTH_SERVER, topology.authPort()));
    topology
        .ports(Topology.INVENTORY_SERVICE)
        .forEach(port -> watched.add(Map.entry(Topology.INVENTORY_SERVICE, port)));
    topology
        .ports(Topology.ORDER_SERVICE)
        .forEach(port -> watched.add(Map.entry(Topology.ORDER_SERVICE, port)));
    Map<String, Integer> numbers = new LinkedHashMap<>();
    for (int i = 0; i < watched.size(); i++) {
      String service = watched.get(i).getKey();
      int port = watched.get(i).getValue();
      int n = service.equals(Topology.AUTH_SERVER) ? 0 : numbers.merge(service, 1, Integer::sum);
      String prefix = "bulwark.gateway.console.instances[" + i + "].";
      properties.put(prefix + "service", service);
      properties.put(prefix + "name", Instance.name(service, n));
      properties.put(prefix + "management-url", Topology.url(topology.managementPortOf(port)));
    }
    return properties;
  }

  /** The issuer whose tokens a service accepts (and the gateway signs browsers in with). */
  private Map<String, String> acceptingTokens() {
    return Map.of("spring.security.oauth2.resourceserver.jwt.issuer-uri", topology.issuer());
  }

  /** Waits until every instance started so far runs and is healthy. */
  public void awaitHealthy(Duration timeout) {
    for (Instance instance : joined(started)) {
      instance.process().awaitHealthy(instance.health(), timeout);
    }
  }

  /**
   * Starts the service of a stopped instance again, with the same settings on {@code port}, and
   * waits until it is healthy: for example to consume what a terminated instance left behind.
   */
  public Instance restart(Instance stopped, int port, Duration timeout) {
    Instance again = joined(start(stopped.service(), stopped.n(), port, stopped.properties()));
    again.process().awaitHealthy(again.health(), timeout);
    return again;
  }

  /**
   * The names of the topology's service instances ({@code inventory-service-1}, ...), started or
   * not: without waiting for their starts.
   */
  public List<String> serviceInstanceNames() {
    List<String> names = new ArrayList<>();
    for (String service : List.of(Topology.INVENTORY_SERVICE, Topology.ORDER_SERVICE)) {
      for (int i = 0; i < topology.ports(service).size(); i++) {
        names.add(Instance.name(service, i + 1));
      }
    }
    return names;
  }

  public List<Instance> inventoryInstances() {
    return joined(inventory);
  }

  public List<Instance> orderInstances() {
    return joined(orders);
  }

  /** Starts the instance on a thread of its own: its process, once the starter has made it. */
  private CompletableFuture<Instance> start(
      String service, int n, int port, Map<String, String> properties) {
    CompletableFuture<Instance> instance = new CompletableFuture<>();
    Thread thread =
        new Thread(
            () -> {
              try {
                Instance launched = launch(service, n, port, properties);
                synchronized (this) {
                  if (stopped) {
                    // stopped while this one trained or started: never leave it behind
                    launched.process().stop(Duration.ofSeconds(20));
                  }
                  instance.complete(launched);
                }
              } catch (RuntimeException | Error e) {
                instance.completeExceptionally(e);
              }
            },
            "start-" + Instance.name(service, n));
    thread.setDaemon(true);
    started.add(instance);
    thread.start();
    return instance;
  }

  private Instance launch(String service, int n, int port, Map<String, String> properties) {
    int managementPort = topology.managementPortOf(port);
    Map<String, String> all = new LinkedHashMap<>(everyInstance);
    all.putAll(properties);
    all.put("server.port", String.valueOf(port));
    all.put("management.server.port", String.valueOf(managementPort));
    String name = Instance.name(service, n);
    // its database connections say which instance they are (the kit records it per message)
    all.put("bulwark.instance-name", name);
    // beside the readable console log, every line as JSON (ECS) with its trace and span ids
    all.put("logging.file.name", logs.resolve(name + ".json").toString());
    all.put("logging.structured.format.file", "ecs");
    Instance instance =
        new Instance(
            service,
            n,
            port,
            managementPort,
            starter.start(name, service, all, logs.resolve(name + ".log")),
            properties);
    return instance;
  }

  private static Instance joined(CompletableFuture<Instance> start) {
    try {
      return start.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      throw e;
    }
  }

  private static List<Instance> joined(List<CompletableFuture<Instance>> starts) {
    return starts.stream().map(PlatformLauncher::joined).toList();
  }

  private static Map<String, String> instanceList(String service, List<Integer> ports) {
    return ports.isEmpty()
        ? Map.of()
        : BootJar.instanceList(service, ports.stream().map(Topology::url).toList());
  }

  /** Stops every started process, the last started first; a stalled one is resumed to stop. */
  public void stop(Duration grace, Consumer<String> stopping) {
    List<Instance> running = new ArrayList<>();
    synchronized (this) {
      stopped = true;
      // a start still under way stops its own process when it ends (see start)
      for (CompletableFuture<Instance> start : started) {
        if (start.isDone() && !start.isCompletedExceptionally()) {
          running.add(start.join());
        }
      }
    }
    for (int i = running.size() - 1; i >= 0; i--) {
      ManagedProcess process = running.get(i).process();
      if (process.isAlive()) {
        stopping.accept(process.name());
        Commands.run(List.of("kill", "-CONT", String.valueOf(process.pid())), 10);
        process.stop(grace);
      }
    }
  }

  @Override
  public void close() {
    stop(Duration.ofSeconds(20), name -> {});
  }
}
