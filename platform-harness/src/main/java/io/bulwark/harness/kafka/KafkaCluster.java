package io.bulwark.harness.kafka;

import io.bulwark.harness.net.Partitions;
import io.bulwark.harness.process.Commands;
import io.bulwark.harness.process.ManagedProcess;
import io.bulwark.harness.process.ProcessTrees;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * Kafka in KRaft mode, run from the jars on a classpath: one node or several, each a broker and a
 * controller in one process, every node a voter of the controller quorum. With three nodes or more,
 * every topic is replicated three times and a write needs two in-sync replicas ({@code acks=all}),
 * so one node lost loses nothing and stops nothing. Each node's log directory is formatted once and
 * reused by later starts, so a cluster kept on disk starts again with its data.
 */
public final class KafkaCluster implements AutoCloseable {

  /** Where a node listens: clients and brokers on one port, the controller quorum on the other. */
  public record Ports(int broker, int controller) {}

  private static final Duration START = Duration.ofSeconds(90);

  private final List<Node> nodes;

  private KafkaCluster(List<Node> nodes) {
    this.nodes = List.copyOf(nodes);
  }

  /**
   * Starts one node per entry of {@code ports}, all in {@code dir} (a single node in {@code dir}
   * itself, several in {@code dir/node-N}), and waits until each accepts connections.
   */
  public static KafkaCluster start(Path dir, List<Ports> ports, String classpath) {
    return start(dir, ports, classpath, null);
  }

  /**
   * The same, each node a {@link Partitions.Host} of its own when {@code partitions} is given, so
   * that {@link Node#cutOff()} can partition it from the others and from every client.
   */
  public static KafkaCluster start(
      Path dir, List<Ports> ports, String classpath, @Nullable Partitions partitions) {
    String voters =
        java.util.stream.IntStream.range(0, ports.size())
            .mapToObj(i -> (i + 1) + "@127.0.0.1:" + ports.get(i).controller())
            .collect(Collectors.joining(","));
    String clusterId = clusterId(dir);
    List<Node> nodes = new ArrayList<>();
    for (int i = 0; i < ports.size(); i++) {
      Path home = ports.size() == 1 ? dir : dir.resolve("node-" + (i + 1));
      Partitions.Host host = partitions == null ? null : partitions.host("kafka-" + (i + 1));
      nodes.add(
          new Node(i + 1, home, ports.get(i), ports.size(), voters, clusterId, classpath, host));
    }
    KafkaCluster cluster = new KafkaCluster(nodes);
    try {
      // a quorum of controllers must be up before any broker finishes starting: start all first
      nodes.forEach(Node::launch);
      nodes.forEach(node -> node.awaitUp(START));
    } catch (RuntimeException e) {
      cluster.close();
      throw e;
    }
    return cluster;
  }

  public String bootstrapServers() {
    return nodes.stream()
        .map(node -> "127.0.0.1:" + node.ports.broker())
        .collect(Collectors.joining(","));
  }

  public List<Node> nodes() {
    return nodes;
  }

  /**
   * Starts every node that is not running, all before waiting for any: a node alone cannot finish
   * starting while the controller quorum lacks a majority.
   */
  public void restartStopped() {
    List<Node> stopped = nodes.stream().filter(node -> !node.isRunning()).toList();
    stopped.forEach(Node::launch);
    stopped.forEach(node -> node.awaitUp(START));
  }

  /** Stops every node that still runs: SIGTERM, a controlled shutdown, SIGKILL after 30 s. */
  @Override
  public void close() {
    // the last nodes of a quorum cannot finish a controlled shutdown alone: stop them together
    List<Thread> stopping = new ArrayList<>();
    for (Node node : nodes) {
      Thread thread = new Thread(node::stop, "stop-kafka-" + node.id);
      thread.start();
      stopping.add(thread);
    }
    for (Thread thread : stopping) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** One node of the cluster: a broker and a controller in one process. */
  public static final class Node {

    private final int id;
    private final Path home;
    private final Ports ports;
    private final String classpath;
    private final Partitions.@Nullable Host host;
    private @Nullable ManagedProcess process;

    private Node(
        int id,
        Path home,
        Ports ports,
        int clusterSize,
        String voters,
        String clusterId,
        String classpath,
        Partitions.@Nullable Host host) {
      this.id = id;
      this.home = home;
      this.ports = ports;
      this.classpath = classpath;
      this.host = host;
      Path logs = home.resolve("logs");
      Path config = home.resolve("server.properties");
      try {
        Files.createDirectories(logs);
        Files.writeString(config, properties(id, logs, ports, clusterSize, voters));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      if (!Files.exists(logs.resolve("meta.properties"))) {
        Commands.run(
            List.of(
                ManagedProcess.javaExecutable(),
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
    }

    public int id() {
      return id;
    }

    public String name() {
      return "kafka-" + id;
    }

    public int port() {
      return ports.broker();
    }

    public boolean isRunning() {
      ManagedProcess running = process;
      return running != null && running.isAlive();
    }

    /** Crash: SIGKILL, no controlled shutdown; the others elect new leaders for its partitions. */
    public void kill() {
      ManagedProcess running = process;
      if (running != null) {
        running.kill();
      }
    }

    /** SIGSTOP: the node keeps its sockets open and answers nothing until {@link #thaw}. */
    public void freeze() {
      ProcessTrees.freeze(running().handle());
    }

    public void thaw() {
      ProcessTrees.thaw(running().handle());
    }

    /** Graceful stop: SIGTERM (a controlled shutdown), SIGKILL after 30 s. */
    public void stop() {
      ManagedProcess running = process;
      if (running != null && running.isAlive()) {
        running.stop(Duration.ofSeconds(30));
      }
    }

    /**
     * Starts the node again on its data, after a kill or a stop, and waits until it listens: while
     * a majority of the nodes runs ({@link KafkaCluster#restartStopped} starts several together).
     */
    public void restart() {
      if (isRunning()) {
        throw new IllegalStateException(name() + " is running");
      }
      launch();
      awaitUp(START);
    }

    private ManagedProcess running() {
      ManagedProcess running = process;
      if (running == null || !running.isAlive()) {
        throw new IllegalStateException(name() + " is not running");
      }
      return running;
    }

    /**
     * The partition of this node's host from the rest: the other nodes and the clients stop hearing
     * from it, silently, and it from them; nothing is closed. Needs the cluster started with {@link
     * Partitions}.
     */
    public void cutOff() {
      partitioned().cutOff(List.of(ports.broker(), ports.controller()));
    }

    /** Ends a partition; a node never cut off is left as it is. */
    public void reconnect() {
      if (host != null) {
        host.reconnect();
      }
    }

    private Partitions.Host partitioned() {
      if (host == null) {
        throw new IllegalStateException(name() + " was not started to be partitioned");
      }
      return host;
    }

    private void launch() {
      List<String> command =
          List.of(
              ManagedProcess.javaExecutable(),
              "-Xms128m",
              "-Xmx512m",
              "-XX:+UseSerialGC",
              "-cp",
              classpath,
              "kafka.Kafka",
              home.resolve("server.properties").toString());
      process =
          ManagedProcess.start(
              name(),
              host == null ? command : host.command(command),
              Map.of(),
              home.resolve("kafka.log"));
    }

    private void awaitUp(Duration timeout) {
      running().awaitPort(ports.broker(), timeout);
    }
  }

  private static String properties(int id, Path logs, Ports ports, int clusterSize, String voters) {
    int replicas = Math.min(3, clusterSize);
    int minInSync = replicas >= 3 ? 2 : 1;
    return String.join(
        "\n",
        "process.roles=broker,controller",
        "node.id=" + id,
        "controller.quorum.voters=" + voters,
        "listeners=PLAINTEXT://127.0.0.1:"
            + ports.broker()
            + ",CONTROLLER://127.0.0.1:"
            + ports.controller(),
        "advertised.listeners=PLAINTEXT://127.0.0.1:" + ports.broker(),
        "controller.listener.names=CONTROLLER",
        "inter.broker.listener.name=PLAINTEXT",
        "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
        "log.dirs=" + logs,
        "num.partitions=3",
        "default.replication.factor=" + replicas,
        "min.insync.replicas=" + minInSync,
        "offsets.topic.replication.factor=" + replicas,
        "transaction.state.log.replication.factor=" + replicas,
        "transaction.state.log.min.isr=" + minInSync,
        // a replica that lost its leader's data must never become leader: nothing acknowledged is
        // given up to bring a partition back
        "unclean.leader.election.enable=false",
        "group.initial.rebalance.delay.ms=0",
        "auto.create.topics.enable=true",
        "");
  }

  /**
   * The cluster's id, made once and kept in {@code dir}: every node is formatted with it, and a
   * node formatted on an earlier start keeps it.
   */
  private static String clusterId(Path dir) {
    Path file = dir.resolve("cluster-id");
    try {
      Files.createDirectories(dir);
      Path single = dir.resolve("logs").resolve("meta.properties");
      if (Files.exists(file)) {
        return Files.readString(file).strip();
      }
      String id = Files.exists(single) ? existingId(single) : newId();
      Files.writeString(file, id);
      return id;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String existingId(Path meta) throws IOException {
    for (String line : Files.readAllLines(meta)) {
      if (line.startsWith("cluster.id=")) {
        return line.substring("cluster.id=".length()).strip();
      }
    }
    return newId();
  }

  /** A KRaft cluster id: 16 random bytes, URL-safe base64, never starting with a dash. */
  private static String newId() {
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
