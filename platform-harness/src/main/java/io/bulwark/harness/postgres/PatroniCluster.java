package io.bulwark.harness.postgres;

import io.bulwark.harness.Await;
import io.bulwark.harness.net.Partitions;
import io.bulwark.harness.process.Commands;
import io.bulwark.harness.process.FreePorts;
import io.bulwark.harness.process.ManagedProcess;
import io.bulwark.harness.process.ProcessTrees;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A PostgreSQL HA pair run by Patroni (with one etcd node as its store): a primary and a
 * synchronous standby, automatic failover, and the old primary rejoining as a standby through
 * pg_rewind. Needs Debian's {@code patroni} and {@code etcd-server} packages. The timings are tuned
 * for a fast failover: a leader key lives {@value #TTL_SECONDS} s ({@code ttl}), Patroni's loop
 * runs every second, and a primary that cannot renew its key within {@value #RETRY_TIMEOUT_SECONDS}
 * s steps down (Patroni's rule: {@code loop_wait + 2 × retry_timeout ≤ ttl}).
 */
public final class PatroniCluster implements AutoCloseable {

  /**
   * How long the leader key outlives its last renewal: the bound on detecting a dead primary. Not
   * shorter: with less, a loaded machine's pauses (etcd's disk, a busy core) start failovers of a
   * healthy primary; the chaos test's calm phase checks that none happens.
   */
  public static final int TTL_SECONDS = 4;

  static final int LOOP_WAIT_SECONDS = 1;
  static final int RETRY_TIMEOUT_SECONDS = 1;

  /** One Patroni node: its agent process, and the PostgreSQL it runs. */
  public final class Node {
    final String name;
    final int pgPort;
    final int restPort;
    final Path dataDir;
    final Path config;
    // an attached view finds the host its owner started the node in when it is first cut off
    Partitions.@Nullable Host host;
    @Nullable ManagedProcess agent;

    Node(String name, int pgPort, int restPort) {
      this.name = name;
      this.pgPort = pgPort;
      this.restPort = restPort;
      this.dataDir = dir.resolve(name);
      this.config = dir.resolve(name + ".yml");
      this.host = partitions == null || attached ? null : partitions.host("patroni-" + name);
    }

    public String name() {
      return name;
    }

    public int pgPort() {
      return pgPort;
    }

    public int restPort() {
      return restPort;
    }

    /** Whether this node's Patroni agent runs (it may have been killed). */
    public boolean agentAlive() {
      return agent != null && agent.isAlive();
    }

    /** The agent's process id, or -1. */
    public long agentPid() {
      return agent == null ? -1 : agent.pid();
    }

    /** Whether Patroni on this node says it is the primary (its REST API answers 200). */
    public boolean isPrimary() {
      return restStatus(restPort, "/primary") == 200;
    }

    /**
     * The timeline this node's PostgreSQL is on, as Patroni reports it: each promotion starts a new
     * one, so an unchanged timeline means no failover happened. -1 when the node does not answer.
     */
    public int timeline() {
      return get(restPort, "/patroni")
          .map(response -> TIMELINE.matcher(response.body()))
          .filter(Matcher::find)
          .map(timeline -> Integer.parseInt(timeline.group(1)))
          .orElse(-1);
    }

    /** Whether this node is a replica that streams synchronously. */
    public boolean isSyncStandby() {
      return restStatus(restPort, "/sync") == 200;
    }

    /**
     * The crash a real machine failure causes: the postmaster, its children and the Patroni agent
     * all die at once (killing only the agent would leave a writable postmaster behind). Returns
     * once they are gone.
     */
    public void crash() {
      PostgresServer.postmaster(dataDir).ifPresent(ProcessTrees::kill);
      if (agent != null) {
        agent.kill();
      }
    }

    /**
     * The stall of a whole machine: the postmaster, its children and the Patroni agent stop where
     * they are (SIGSTOP), keeping their sockets and the leader key they hold until it expires, and
     * go on from there at {@link #thaw()}, unaware of the time that passed.
     */
    public void freeze() {
      processes().forEach(ProcessTrees::freeze);
    }

    public void thaw() {
      processes().forEach(ProcessTrees::thaw);
    }

    /**
     * The partition of this node's machine from the network: the clients, the other node and etcd
     * stop hearing from it and it from them, silently (packets dropped, nothing closed), while
     * PostgreSQL and its agent run on and talk to each other over their local socket. Needs the
     * cluster started with {@link Partitions}.
     */
    public void cutOff() {
      partitioned().cutOff(List.of(pgPort, restPort));
    }

    /**
     * Ends a partition (a node never cut off is left as it is); the node finds out what changed
     * meanwhile and follows it.
     */
    public void reconnect() {
      if (host != null) {
        host.reconnect();
      }
    }

    private synchronized Partitions.Host partitioned() {
      if (host == null && attached && partitions != null) {
        host =
            partitions.hostOf(
                PostgresServer.postmaster(dataDir)
                    .orElseThrow(() -> new IllegalStateException(name + " is not running")));
      }
      if (host == null) {
        throw new IllegalStateException(name + " was not started to be partitioned");
      }
      return host;
    }

    private List<ProcessHandle> processes() {
      List<ProcessHandle> processes = new ArrayList<>();
      PostgresServer.postmaster(dataDir).ifPresent(processes::add);
      if (agent != null) {
        ProcessHandle.of(agent.pid()).ifPresent(processes::add);
      }
      return processes;
    }

    /** Waits until this node streams as the synchronous standby. */
    public void awaitSyncStandby(Duration timeout) {
      Await.until(this::isSyncStandby)
          .within(timeout, () -> name + " not a sync standby after " + timeout + "\n" + logs());
    }

    /** Starts the agent again; Patroni rejoins this node as a standby (pg_rewind when needed). */
    public void restart() {
      start(this);
    }
  }

  private static final Pattern TIMELINE = Pattern.compile("\"timeline\"\\s*:\\s*(\\d+)");

  private static final Pattern LEADER = Pattern.compile("\"value\"\\s*:\\s*\"([^\"]+)\"");

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();

  final Path dir;
  final int etcdPort;
  private final List<Node> nodes = new ArrayList<>();
  private @Nullable ManagedProcess etcd;

  private final int etcdPeerPort;
  private final @Nullable Partitions partitions;

  /**
   * Whether commits survive a crash of the machine ({@code fsync} on): the local run's kept cluster
   * is, a test's throw-away one is not, for speed (its files are deleted afterwards; a process
   * crash, which is what the tests inject, loses nothing either way).
   */
  private final boolean durable;

  /** A view of a cluster that another process runs: it starts and stops nothing. */
  private final boolean attached;

  private PatroniCluster(
      Path dir,
      int etcdPort,
      int etcdPeerPort,
      boolean durable,
      @Nullable Partitions partitions,
      boolean attached) {
    this.dir = dir;
    this.partitions = partitions;
    this.durable = durable;
    this.etcdPort = etcdPort;
    this.etcdPeerPort = etcdPeerPort;
    this.attached = attached;
  }

  /** Whether the machine has Patroni and etcd installed. */
  public static boolean available() {
    return Files.isExecutable(Path.of("/usr/bin/patroni"))
        && Files.isExecutable(Path.of("/usr/bin/etcd"));
  }

  /** A new cluster of {@code size} nodes in a temporary directory, on free ports. */
  public static PatroniCluster start(int size) {
    return start(size, null);
  }

  /**
   * The same, each node a {@link Partitions.Host} of its own when {@code partitions} is given, so
   * that {@link Node#cutOff()} can partition it.
   */
  public static PatroniCluster start(int size, @Nullable Partitions partitions) {
    try {
      Path dir = Files.createTempDirectory("bulwark-patroni-");
      List<int[]> ports = new ArrayList<>();
      for (int i = 0; i < size; i++) {
        ports.add(new int[] {FreePorts.next(), FreePorts.next()});
      }
      return start(dir, FreePorts.next(), FreePorts.next(), ports, false, partitions);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The cluster kept in {@code dir}, with fixed ports: created on the first start, started again as
   * it was left on later ones. {@code nodePorts} holds each node's PostgreSQL and REST ports. Its
   * commits survive a crash of the machine ({@code fsync} on).
   */
  public static PatroniCluster start(
      Path dir, int etcdPort, int etcdPeerPort, List<int[]> nodePorts) {
    return start(dir, etcdPort, etcdPeerPort, nodePorts, true, null);
  }

  /** The same, each node a {@link Partitions.Host} of its own when {@code partitions} is given. */
  public static PatroniCluster start(
      Path dir,
      int etcdPort,
      int etcdPeerPort,
      List<int[]> nodePorts,
      @Nullable Partitions partitions) {
    return start(dir, etcdPort, etcdPeerPort, nodePorts, true, partitions);
  }

  /**
   * A view of the cluster kept in {@code dir} that another process runs (the local run), for the
   * benchmark: which node is primary, a failover watched, and, given {@code partitions}, a node cut
   * off the network when its owner started it in a host of its own. It starts and stops nothing:
   * its {@link #close()} leaves the cluster running.
   */
  public static PatroniCluster attach(
      Path dir, int etcdPort, List<int[]> nodePorts, @Nullable Partitions partitions) {
    PatroniCluster cluster = new PatroniCluster(dir, etcdPort, -1, true, partitions, true);
    for (int i = 0; i < nodePorts.size(); i++) {
      cluster.nodes.add(
          cluster.new Node("node" + (i + 1), nodePorts.get(i)[0], nodePorts.get(i)[1]));
    }
    return cluster;
  }

  private static PatroniCluster start(
      Path dir,
      int etcdPort,
      int etcdPeerPort,
      List<int[]> nodePorts,
      boolean durable,
      @Nullable Partitions partitions) {
    try {
      Files.createDirectories(dir);
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
      if (Commands.runningAsRoot()) {
        Commands.run(List.of("chown", "postgres:postgres", dir.toString()), 10);
      }
      PatroniCluster cluster =
          new PatroniCluster(dir, etcdPort, etcdPeerPort, durable, partitions, false);
      boolean existing = Files.isDirectory(dir.resolve("etcd"));
      cluster.startEtcd();
      for (int i = 0; i < nodePorts.size(); i++) {
        Node node = cluster.new Node("node" + (i + 1), nodePorts.get(i)[0], nodePorts.get(i)[1]);
        cluster.nodes.add(node);
        cluster.writeConfig(node);
      }
      if (existing) {
        cluster.nodes.forEach(cluster::start);
        cluster.awaitPrimary(Duration.ofSeconds(120));
      } else {
        // the first node bootstraps the cluster; the others clone it
        cluster.start(cluster.nodes.get(0));
        cluster.awaitPrimary(Duration.ofSeconds(90));
        for (Node node : cluster.nodes.subList(1, cluster.nodes.size())) {
          cluster.start(node);
        }
      }
      cluster.awaitSyncStandby(Duration.ofSeconds(120));
      cluster.applyTimings();
      return cluster;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void startEtcd() {
    int peerPort = etcdPeerPort;
    String client = "http://127.0.0.1:" + etcdPort;
    String peer = "http://127.0.0.1:" + peerPort;
    etcd =
        ManagedProcess.start(
            "etcd",
            List.of(
                "/usr/bin/etcd",
                "--name",
                "etcd1",
                "--data-dir",
                dir.resolve("etcd").toString(),
                "--listen-client-urls",
                client,
                "--advertise-client-urls",
                client,
                "--listen-peer-urls",
                peer,
                "--initial-advertise-peer-urls",
                peer,
                "--initial-cluster",
                "etcd1=" + peer),
            Map.of("ETCD_ENABLE_V2", "true"),
            dir.resolve("etcd.log"));
    etcd.awaitPort(etcdPort, Duration.ofSeconds(30));
  }

  private void writeConfig(Node node) throws IOException {
    String yaml =
        """
        scope: bulwark
        name: %s
        restapi:
          listen: 127.0.0.1:%d
          connect_address: 127.0.0.1:%d
        etcd:
          hosts: 127.0.0.1:%d
          use_proxies: true
        bootstrap:
          dcs:
            ttl: %d
            loop_wait: %d
            retry_timeout: %d
            maximum_lag_on_failover: 1048576
            synchronous_mode: true
            postgresql:
              use_pg_rewind: true
              use_slots: true
              parameters:
                wal_log_hints: "on"
                max_connections: 300
                fsync: "%s"
                wal_keep_size: 256MB
          initdb:
            - encoding: UTF8
        postgresql:
          listen: 127.0.0.1:%d
          connect_address: 127.0.0.1:%d
          use_unix_socket: true
          data_dir: %s
          bin_dir: %s
          pgpass: %s
          pg_hba:
            %s
          authentication:
            superuser:
              username: postgres
            replication:
              username: postgres
            rewind:
              username: postgres
          parameters:
            unix_socket_directories: %s
        """
            .formatted(
                node.name,
                node.restPort,
                node.restPort,
                etcdPort,
                TTL_SECONDS,
                LOOP_WAIT_SECONDS,
                RETRY_TIMEOUT_SECONDS,
                fsync(),
                node.pgPort,
                node.pgPort,
                node.dataDir,
                PostgresServer.binDir(),
                dir.resolve(node.name + ".pgpass"),
                clientAuthentication(),
                dir);
    Files.writeString(node.config, yaml);
  }

  /** The same rules as a single server's, written by Patroni at every start of a node. */
  private static String clientAuthentication() {
    return "- " + String.join("\n    - ", PostgresServer.CLIENT_AUTHENTICATION);
  }

  private void start(Node node) {
    List<String> command = Commands.asPostgres(List.of("/usr/bin/patroni", node.config.toString()));
    node.agent =
        ManagedProcess.start(
            "patroni-" + node.name,
            node.host == null ? command : node.host.command(command),
            Map.of(),
            dir.resolve(node.name + ".log"));
  }

  public List<Node> nodes() {
    return List.copyOf(nodes);
  }

  /** The node that is primary now, if any. */
  public Optional<Node> primary() {
    return nodes.stream().filter(Node::isPrimary).findFirst();
  }

  public Node awaitPrimary(Duration timeout) {
    return Await.untilPresent(this::primary)
        .within(timeout, () -> "no primary after " + timeout + "\n" + logs());
  }

  public void awaitSyncStandby(Duration timeout) {
    Await.until(() -> nodes.stream().anyMatch(Node::isSyncStandby))
        .within(timeout, () -> "no synchronous standby after " + timeout + "\n" + logs());
  }

  private String fsync() {
    return durable ? "on" : "off";
  }

  /**
   * Sets the timings and the durability in the cluster's shared configuration too: the bootstrap
   * section applies only when a cluster is created, and a cluster kept from an earlier start would
   * keep its old ones.
   */
  private void applyTimings() {
    Node primary = awaitPrimary(Duration.ofSeconds(30));
    String timings =
        ("{\"ttl\": %d, \"loop_wait\": %d, \"retry_timeout\": %d,"
                + " \"postgresql\": {\"parameters\": {\"fsync\": \"%s\"}}}")
            .formatted(TTL_SECONDS, LOOP_WAIT_SECONDS, RETRY_TIMEOUT_SECONDS, fsync());
    try {
      HttpResponse<String> response =
          HTTP.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + primary.restPort + "/config"))
                  .timeout(Duration.ofSeconds(10))
                  .method("PATCH", HttpRequest.BodyPublishers.ofString(timings))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException(
            "Patroni refused the timings " + timings + ": " + response.body());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Starts watching a failover away from {@code primary}: call it just before the fault. */
  public FailoverWatch watchFailover(Node primary) {
    return new FailoverWatch(
        primary.name,
        this::leaderKey,
        () ->
            nodes.stream()
                .filter(node -> !node.name.equals(primary.name))
                .filter(Node::isPrimary)
                .findFirst());
  }

  /**
   * Who holds the leader key in etcd now (read over etcd's v2 API, as Patroni does): a node's name,
   * "" when no one does, null when etcd did not answer.
   */
  private @Nullable String leaderKey() {
    HttpResponse<String> response = get(etcdPort, "/v2/keys/service/bulwark/leader").orElse(null);
    if (response == null) {
      return null;
    }
    if (response.statusCode() == 404) {
      return "";
    }
    Matcher value = LEADER.matcher(response.body());
    return response.statusCode() == 200 && value.find() ? value.group(1) : null;
  }

  /** Creates a database on the current primary. */
  public void createDatabase(String name) {
    Node primary = awaitPrimary(Duration.ofSeconds(30));
    PostgresServer.createDatabase(
        "jdbc:postgresql://127.0.0.1:" + primary.pgPort + "/postgres", name);
  }

  /**
   * A multi-host URL over every node that follows the primary: {@code targetServerType=primary}.
   */
  public String jdbcUrl(String database) {
    return jdbcUrl(nodes.stream().map(node -> node.pgPort).toList(), database);
  }

  /**
   * A multi-host URL over every node that reaches a standby ({@code targetServerType=secondary}):
   * for the reads a standby may serve.
   */
  public String standbyJdbcUrl(String database) {
    return jdbcUrl(database).replace("targetServerType=primary", "targetServerType=secondary");
  }

  /** A database on PostgreSQL nodes on these local ports, always reaching the primary. */
  public static String jdbcUrl(List<Integer> pgPorts, String database) {
    StringBuilder hosts = new StringBuilder();
    for (int port : pgPorts) {
      hosts.append(hosts.isEmpty() ? "" : ",").append("127.0.0.1:").append(port);
    }
    return "jdbc:postgresql://" + hosts + "/" + database + "?targetServerType=primary";
  }

  public String logs() {
    StringBuilder text = new StringBuilder();
    for (Node node : nodes) {
      if (node.agent != null) {
        text.append("--- ").append(node.name).append('\n').append(node.agent.tail(15)).append('\n');
      }
    }
    return text.toString();
  }

  @Override
  public void close() {
    if (attached) {
      return;
    }
    for (Node node : nodes) {
      if (node.agent != null && node.agent.isAlive()) {
        node.agent.stop(Duration.ofSeconds(30));
      }
      PostgresServer.postmaster(node.dataDir).ifPresent(ProcessTrees::kill);
    }
    if (etcd != null) {
      etcd.stop(Duration.ofSeconds(10));
    }
  }

  private static int restStatus(int port, String path) {
    return get(port, path).map(HttpResponse::statusCode).orElse(-1);
  }

  /** A GET on a local port, answered within a second, or empty when it was not. */
  private static Optional<HttpResponse<String>> get(int port, String path) {
    try {
      return Optional.of(
          HTTP.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                  .timeout(Duration.ofSeconds(1))
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofString()));
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }
}
