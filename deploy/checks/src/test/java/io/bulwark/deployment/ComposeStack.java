package io.bulwark.deployment;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Container;
import io.bulwark.harness.Await;
import io.bulwark.harness.auth.Credentials;
import io.bulwark.harness.auth.Tokens;
import io.bulwark.harness.client.PlatformClient;
import io.bulwark.harness.http.HttpJson;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import javax.sql.DataSource;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.DockerComposeContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code deploy/compose/docker-compose.yml} running in the Docker Engine, started by
 * Testcontainers' compose support with Debian's {@code docker-compose} and fresh secrets from
 * {@code secrets.sh}: what a user gets from {@code docker compose up}, reached as a user reaches it
 * (the gateway and the authorization server on their published ports), and the containers' own
 * addresses on the stack's network for what is published nowhere (Patroni's API, PostgreSQL).
 */
final class ComposeStack implements AutoCloseable {

  /** The images the stack runs, none of them pulled: deploy/images and Jib build them. */
  static final List<String> IMAGES =
      List.of(
          "bulwark/patroni:15",
          "bulwark/etcd:3.4",
          "bulwark/kafka:4.1",
          "bulwark/prometheus:2.42",
          "ghcr.io/bulwark/auth-server:" + Repository.VERSION,
          "ghcr.io/bulwark/order-service:" + Repository.VERSION,
          "ghcr.io/bulwark/inventory-service:" + Repository.VERSION,
          "ghcr.io/bulwark/gateway:" + Repository.VERSION);

  private static final JsonMapper JSON = JsonMapper.shared();

  private static final String PROJECT = "com.docker.compose.project";

  private final DockerComposeContainer<?> compose;
  private final Properties secrets;
  private final DockerClient docker = DockerClientFactory.instance().client();
  private final String project;
  final Duration timeToHealthy;

  private ComposeStack(DockerComposeContainer<?> compose, Properties secrets, Duration healthy) {
    this.compose = compose;
    this.secrets = secrets;
    this.timeToHealthy = healthy;
    this.project =
        compose
            .getContainerByServiceName("gateway")
            .or(() -> compose.getContainerByServiceName("gateway_1"))
            .orElseThrow(() -> new AssertionError("no gateway container"))
            .getContainerInfo()
            .getConfig()
            .getLabels()
            .get(PROJECT);
  }

  /** The images of {@link #IMAGES} that the Docker Engine lacks. */
  static List<String> missingImages() {
    DockerClient docker = DockerClientFactory.instance().client();
    return IMAGES.stream()
        .filter(name -> docker.listImagesCmd().withReferenceFilter(name).exec().isEmpty())
        .toList();
  }

  /** Up, with the gateway healthy, and so everything it waits for. */
  static ComposeStack up(Duration timeout) {
    Properties secrets =
        ComposeFile.freshSecrets(Path.of("target", "compose-stack.env").toAbsolutePath());
    Map<String, String> variables = new HashMap<>();
    secrets.stringPropertyNames().forEach(name -> variables.put(name, secrets.getProperty(name)));
    DockerComposeContainer<?> compose =
        new DockerComposeContainer<>(
                Repository.path("deploy", "compose", "docker-compose.yml").toFile())
            .withEnv(variables)
            // every image is built here; none is pulled
            .withPull(false)
            .withRemoveVolumes(true)
            .withStartupTimeout(timeout)
            .waitingFor("gateway", Wait.forHealthcheck().withStartupTimeout(timeout));
    long started = System.nanoTime();
    compose.start();
    return new ComposeStack(compose, secrets, Duration.ofNanos(System.nanoTime() - started));
  }

  /** The gateway, on its published port. */
  String gateway() {
    return "http://127.0.0.1:8080";
  }

  /** The stack's users, signed in at its authorization server on its published port. */
  PlatformClient client(String user) {
    Credentials credentials =
        new Credentials() {
          @Override
          public String password(String name) {
            return secrets.getProperty(name.toUpperCase().replace('-', '_') + "_PASSWORD");
          }

          @Override
          public String clientSecret(String client) {
            throw new UnsupportedOperationException(client);
          }
        };
    return new PlatformClient(gateway(), new Tokens("http://127.0.0.1:9000", credentials), user);
  }

  /** The service's container (the first, for a service of one). */
  Container container(String service) {
    return docker
        .listContainersCmd()
        .withShowAll(true)
        .withLabelFilter(Map.of(PROJECT, project, "com.docker.compose.service", service))
        .exec()
        .stream()
        .findFirst()
        .orElseThrow(() -> new AssertionError("no container of " + service));
  }

  /** The container's address on the stack's network, which the host reaches directly. */
  String address(String service) {
    return container(service)
        .getNetworkSettings()
        .getNetworks()
        .values()
        .iterator()
        .next()
        .getIpAddress();
  }

  /** The Patroni member that is the leader now, as the members' REST API says, if one is. */
  Optional<String> primary() {
    for (String node : List.of("postgres-1", "postgres-2")) {
      try {
        HttpJson.Response cluster =
            new HttpJson("http://" + address(node) + ":8008").get("/cluster");
        if (cluster.status() == 200) {
          for (JsonNode member : JSON.readTree(cluster.body()).get("members")) {
            if (member.get("role").asString().equals("leader")
                && member.get("state").asString().equals("running")) {
              return Optional.of(member.get("name").asString());
            }
          }
        }
      } catch (RuntimeException unreachable) {
        // that node is down: ask the other
      }
    }
    return Optional.empty();
  }

  /** Waits for a leader other than {@code old}; returns its name. */
  String awaitPrimaryOtherThan(String old, Duration timeout) {
    return Await.untilPresent(() -> primary().filter(name -> !name.equals(old)))
        .within(timeout, () -> "no primary but " + old + " within " + timeout);
  }

  /** Kills the service's container (SIGKILL: no shutdown of any kind). */
  void kill(String service) {
    docker.killContainerCmd(container(service).getId()).exec();
  }

  /** Starts the service's stopped container again. */
  void start(String service) {
    docker.startContainerCmd(container(service).getId()).exec();
  }

  /**
   * A service's database on whichever node is primary, as its superuser: a JDBC URL naming both
   * nodes, with the user and password in it.
   */
  String jdbcUrl(String name) {
    return "jdbc:postgresql://"
        + address("postgres-1")
        + ":5432,"
        + address("postgres-2")
        + ":5432/"
        + name
        + "?targetServerType=primary&user=postgres&password="
        + secrets.getProperty("POSTGRES_PASSWORD");
  }

  /** {@link #jdbcUrl} as a data source. */
  DataSource database(String name) {
    return new DriverManagerDataSource(jdbcUrl(name));
  }

  /** The stack's containers, volumes and networks that are still there. */
  List<String> leftovers() {
    List<String> left = new java.util.ArrayList<>();
    docker
        .listContainersCmd()
        .withShowAll(true)
        .withLabelFilter(Map.of(PROJECT, project))
        .exec()
        .forEach(c -> left.add("container " + String.join(",", c.getNames())));
    var volumes = docker.listVolumesCmd().withFilter("label", List.of(PROJECT + "=" + project));
    java.util.Objects.requireNonNullElse(
            volumes.exec().getVolumes(),
            List.<com.github.dockerjava.api.command.InspectVolumeResponse>of())
        .forEach(v -> left.add("volume " + v.getName()));
    docker
        .listNetworksCmd()
        .withFilter("label", List.of(PROJECT + "=" + project))
        .exec()
        .forEach(n -> left.add("network " + n.getName()));
    return left;
  }

  @Override
  public void close() {
    compose.stop();
  }
}
