package io.bulwark.harness.platform;

import io.bulwark.harness.kafka.KafkaCluster;
import io.bulwark.harness.postgres.PatroniCluster;
import io.bulwark.harness.process.FreePorts;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where each part of the platform listens on this machine: the gateway, each instance of
 * order-service and inventory-service, the authorization server, the PostgreSQL nodes with their
 * Patroni agents and etcd, the Kafka brokers, and the trace store. Each Spring Boot process also
 * has a management port (actuator: health, metrics) apart from the port it serves on. The local
 * run's ports are written here once ({@link #local()}); tests take free ports ({@link #ephemeral}).
 *
 * @param managementOffset a process's management port is its port plus this; 0 takes a free port
 *     for each
 * @param zipkinPort the local run's trace store (Zipkin: its UI and API); 0 where there is none
 * @param postgresPort the first PostgreSQL node; a Patroni pair's second node listens one above,
 *     and so do its second agent and etcd's peer port
 */
public record Topology(
    int gatewayPort,
    List<Integer> orderPorts,
    List<Integer> inventoryPorts,
    int authPort,
    int managementOffset,
    int postgresPort,
    int patroniRestPort,
    int etcdPort,
    int kafkaPort,
    int kafkaControllerPort,
    int zipkinPort) {

  public static final String ORDER_SERVICE = "order-service";
  public static final String INVENTORY_SERVICE = "inventory-service";
  public static final String GATEWAY = "gateway";
  public static final String AUTH_SERVER = "auth-server";

  /** The free management port taken for each serving port, where there is no offset. */
  private static final Map<Integer, Integer> MANAGEMENT_PORTS =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** The most Kafka brokers the local run starts. */
  public static final int LARGEST_KAFKA = 3;

  public Topology {
    orderPorts = List.copyOf(orderPorts);
    inventoryPorts = List.copyOf(inventoryPorts);
  }

  /**
   * {@code ./bulwark run}: two instances of each service behind the gateway on port 8080, the
   * authorization server on 9000, each process's management port 1000 above its own.
   */
  public static Topology local() {
    return new Topology(
        8080,
        List.of(8081, 8083),
        List.of(8082, 8084),
        9000,
        1000,
        15432,
        18008,
        12379,
        19092,
        19093,
        9411);
  }

  /**
   * Free ports for the gateway and {@code instancesPerService} instances of each service; the
   * databases and the broker of a test platform are the tests' own, so their ports are 0.
   */
  public static Topology ephemeral(int instancesPerService) {
    List<Integer> orders = new ArrayList<>();
    List<Integer> inventory = new ArrayList<>();
    for (int i = 0; i < instancesPerService; i++) {
      inventory.add(FreePorts.next());
      orders.add(FreePorts.next());
    }
    return new Topology(FreePorts.next(), orders, inventory, FreePorts.next(), 0, 0, 0, 0, 0, 0, 0);
  }

  public String gatewayUrl() {
    return url(gatewayPort);
  }

  /** The issuer of the platform's tokens: the authorization server's address. */
  public String issuer() {
    return url(authPort);
  }

  /**
   * The management port of the process serving on {@code port}: the same every time it is asked, so
   * that the gateway can be told the other instances' before they start.
   */
  public int managementPortOf(int port) {
    return managementOffset > 0
        ? port + managementOffset
        : MANAGEMENT_PORTS.computeIfAbsent(port, serving -> FreePorts.next());
  }

  /** The ports of a service's instances, in the order of their numbers (1, 2, ...). */
  public List<Integer> ports(String service) {
    return switch (service) {
      case ORDER_SERVICE -> orderPorts;
      case INVENTORY_SERVICE -> inventoryPorts;
      case GATEWAY -> List.of(gatewayPort);
      case AUTH_SERVER -> List.of(authPort);
      default -> throw new IllegalArgumentException("no service " + service);
    };
  }

  /** Every instance by its name ({@code order-service-1}, ..., {@code gateway}) and port. */
  public Map<String, Integer> instances() {
    Map<String, Integer> instances = new LinkedHashMap<>();
    for (String service : List.of(ORDER_SERVICE, INVENTORY_SERVICE)) {
      List<Integer> ports = ports(service);
      for (int i = 0; i < ports.size(); i++) {
        instances.put(service + "-" + (i + 1), ports.get(i));
      }
    }
    instances.put(GATEWAY, gatewayPort);
    instances.put(AUTH_SERVER, authPort);
    return instances;
  }

  /** The PostgreSQL nodes of a Patroni pair: {@code postgresPort} and the one above. */
  public List<Integer> postgresPorts() {
    return List.of(postgresPort, postgresPort + 1);
  }

  /** The REST ports of the pair's Patroni agents, in the order of {@link #postgresPorts}. */
  public List<Integer> patroniRestPorts() {
    return List.of(patroniRestPort, patroniRestPort + 1);
  }

  /** A database on the Patroni pair, always reaching the primary. */
  public String pairJdbcUrl(String database) {
    return PatroniCluster.jdbcUrl(postgresPorts(), database);
  }

  /**
   * The ports of a Kafka cluster of {@code brokers} nodes: the first on {@code kafkaPort} and
   * {@code kafkaControllerPort}, each next one two above.
   */
  public List<KafkaCluster.Ports> kafkaNodes(int brokers) {
    List<KafkaCluster.Ports> nodes = new ArrayList<>();
    for (int i = 0; i < brokers; i++) {
      nodes.add(new KafkaCluster.Ports(kafkaPort + 2 * i, kafkaControllerPort + 2 * i));
    }
    return nodes;
  }

  public String kafkaBootstrap(int brokers) {
    return String.join(
        ",", kafkaNodes(brokers).stream().map(node -> "127.0.0.1:" + node.broker()).toList());
  }

  /** Every port the local run listens on, to check that none is taken before it starts. */
  public List<Integer> allPorts() {
    List<Integer> all = new ArrayList<>(instances().values());
    if (managementOffset > 0) {
      instances().values().forEach(port -> all.add(port + managementOffset));
    }
    all.addAll(postgresPorts());
    all.addAll(patroniRestPorts());
    all.add(etcdPort);
    all.add(etcdPort + 1);
    for (KafkaCluster.Ports node : kafkaNodes(LARGEST_KAFKA)) {
      all.add(node.broker());
      all.add(node.controller());
    }
    all.add(zipkinPort);
    return all;
  }

  public static String url(int port) {
    return "http://127.0.0.1:" + port;
  }
}
