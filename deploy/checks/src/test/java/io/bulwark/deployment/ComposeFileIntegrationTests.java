package io.bulwark.deployment;

import static io.bulwark.deployment.Manifests.at;
import static io.bulwark.deployment.Manifests.mapAt;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code deploy/compose/docker-compose.yml}: valid for Compose (its own {@code config} command,
 * which resolves the anchors and defaults, as {@code up} would), and the topology the local run
 * has.
 */
class ComposeFileIntegrationTests {

  private static final List<String> SERVICE_INSTANCES =
      List.of("order-service-1", "order-service-2", "inventory-service-1", "inventory-service-2");
  private static final List<String> BROKERS = List.of("kafka-1", "kafka-2", "kafka-3");
  private static final String KAFKA_SETUP = "kafka-setup";

  private static ComposeFile compose;
  private static Map<String, Object> services;

  @BeforeAll
  static void resolveTheComposeFile() {
    compose = ComposeFile.resolve("compose-test");
    services = compose.services();
  }

  @Test
  void theFileHasTheWholeTopologyOfTheLocalRun() {
    assertThat(services.keySet())
        .containsExactlyInAnyOrder(
            "etcd",
            "postgres-1",
            "postgres-2",
            "kafka-1",
            "kafka-2",
            "kafka-3",
            "kafka-setup",
            "order-service-1",
            "order-service-2",
            "inventory-service-1",
            "inventory-service-2",
            "gateway",
            "auth-server",
            "prometheus",
            "grafana");
    assertThat(String.valueOf(at(services, "gateway", "ports", 0))).startsWith("127.0.0.1:8080:");
  }

  @Test
  void everyPublishedPortIsOnTheLoopbackOnlyAndNoActuatorIsPublished() {
    for (var entry : services.entrySet()) {
      Object ports = mapAt(services, entry.getKey()).get("ports");
      for (Object port : ports == null ? List.of() : (List<?>) ports) {
        // docker-compose prints each as host_ip:published:target/protocol
        String[] parts = String.valueOf(port).split("[:/]");
        assertThat(parts[0]).as(entry.getKey() + " " + port).isEqualTo("127.0.0.1");
        if (!entry.getKey().equals("prometheus")) {
          // 9090 is every Spring Boot container's management port (Prometheus's own is 9090 too)
          assertThat(parts[2]).as(entry.getKey() + " " + port).isNotEqualTo("9090");
        }
      }
    }
    for (String instance : SERVICE_INSTANCES) {
      assertThat(String.valueOf(at(services, instance, "healthcheck", "test")))
          .contains("127.0.0.1:9090/actuator/health/readiness");
    }
  }

  @Test
  void noSecretIsCommittedAndEachServiceIsItsOwnDatabaseRole() throws IOException {
    String file = Files.readString(Repository.path("deploy", "compose", "docker-compose.yml"));
    assertThat(file)
        .doesNotContainPattern("(?i)(PASSWORD|SECRET)\\w*:\\s*\"?[A-Za-z0-9{}-]+\"?\\s*$")
        .contains("${POSTGRES_PASSWORD:?");
    for (String instance : SERVICE_INSTANCES) {
      String role = instance.startsWith("order") ? "order_service" : "inventory_service";
      assertThat(at(services, instance, "environment", "SPRING_DATASOURCE_USERNAME"))
          .isEqualTo(role);
      assertThat(
              String.valueOf(at(services, instance, "environment", "SPRING_DATASOURCE_PASSWORD")))
          .hasSizeGreaterThanOrEqualTo(32);
    }
    assertThat(
            Files.readString(Repository.path("deploy", "images", "patroni", "create-databases.sh")))
        .contains(
            "CREATE DATABASE orders OWNER order_service",
            "CREATE DATABASE inventory OWNER inventory_service",
            "REVOKE ALL ON DATABASE orders FROM PUBLIC");
    assertThat(at(services, "grafana", "environment", "GF_AUTH_ANONYMOUS_ENABLED"))
        .isEqualTo("false");
    assertThat(String.valueOf(at(services, "grafana", "environment", "GF_SECURITY_ADMIN_PASSWORD")))
        .hasSizeGreaterThanOrEqualTo(32);
  }

  @Test
  void withoutItsSecretsTheStackDoesNotResolve() throws IOException {
    Path empty = Files.writeString(Path.of("target", "compose-empty.env").toAbsolutePath(), "");
    Tool.Result bare = ComposeFile.config(empty);
    assertThat(bare.exit()).isNotZero();
    assertThat(bare.err() + bare.out()).contains("run deploy/compose/secrets.sh first");
  }

  @Test
  void everyPartAcceptsTheTokensOfTheStacksIssuer() {
    for (String part :
        List.of(
            "order-service-1",
            "order-service-2",
            "inventory-service-1",
            "inventory-service-2",
            "gateway")) {
      assertThat(
              at(
                  services,
                  part,
                  "environment",
                  "SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_ISSUERURI"))
          .isEqualTo("http://auth-server:9000");
    }
    assertThat(at(services, "auth-server", "environment", "BULWARK_AUTH_ISSUER"))
        .isEqualTo("http://auth-server:9000");
  }

  @Test
  void everyContainerHasAHealthcheckAndStartsOnlyOnceWhatItNeedsIsHealthy() {
    for (var entry : services.entrySet()) {
      var service = Manifests.map(entry.getValue());
      if (!entry.getKey().equals(KAFKA_SETUP)) {
        assertThat(at(service, "healthcheck", "test"))
            .as(entry.getKey() + " healthcheck")
            .isNotNull()
            .isNotEqualTo(List.of("NONE"));
      }
      mapAt(service, "depends_on")
          .forEach(
              (dependency, how) ->
                  assertThat(at(how, "condition"))
                      .as(entry.getKey() + " → " + dependency)
                      .isEqualTo(
                          dependency.equals(KAFKA_SETUP)
                              ? "service_completed_successfully"
                              : "service_healthy"));
    }
    // a one-shot job, not a server: run once, when every broker is healthy
    assertThat(at(services, KAFKA_SETUP, "restart")).isEqualTo("no");
    assertThat(mapAt(services, KAFKA_SETUP, "depends_on").keySet())
        .containsExactlyInAnyOrderElementsOf(BROKERS);
    List<String> gatewayNeeds = new java.util.ArrayList<>(SERVICE_INSTANCES);
    gatewayNeeds.add("auth-server");
    assertThat(mapAt(services, "gateway", "depends_on").keySet())
        .containsExactlyInAnyOrderElementsOf(gatewayNeeds);
    for (String instance : SERVICE_INSTANCES) {
      assertThat(mapAt(services, instance, "depends_on").keySet())
          .contains(
              "postgres-1",
              "postgres-2",
              "kafka-1",
              "kafka-2",
              "kafka-3",
              KAFKA_SETUP,
              "auth-server");
    }
  }

  @Test
  void kafkaIsAKraftQuorumOfThreeBrokersWritingThreeReplicasAndAcknowledgingOnTwo() {
    Set<String> nodeIds = new TreeSet<>();
    for (String broker : BROKERS) {
      var env = mapAt(services, broker, "environment");
      nodeIds.add(String.valueOf(env.get("KAFKA_NODE_ID")));
      assertThat(String.valueOf(env.get("KAFKA_PROCESS_ROLES"))).contains("broker", "controller");
      assertThat(env.get("KAFKA_CONTROLLER_QUORUM_VOTERS"))
          .isEqualTo("1@kafka-1:9093,2@kafka-2:9093,3@kafka-3:9093");
      assertThat(env.get("KAFKA_ADVERTISED_LISTENERS"))
          .isEqualTo("CLIENT://" + broker + ":9092,BROKER://" + broker + ":9094");
      assertThat(String.valueOf(env.get("KAFKA_DEFAULT_REPLICATION_FACTOR"))).isEqualTo("3");
      assertThat(String.valueOf(env.get("KAFKA_MIN_INSYNC_REPLICAS"))).isEqualTo("2");
      assertThat(String.valueOf(env.get("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR"))).isEqualTo("3");
      assertThat(String.valueOf(env.get("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR"))).isEqualTo("2");
    }
    assertThat(nodeIds).containsExactly("1", "2", "3");
  }

  @Test
  void everyImageTheStackStartsIsOneThisRepositoryBuildsAndGrafanaWaitsForItsProfile() {
    for (var entry : services.entrySet()) {
      String image = String.valueOf(mapAt(services, entry.getKey()).get("image"));
      if (entry.getKey().equals("grafana")) {
        // no source for it on a machine without a registry
        assertThat(String.valueOf(at(services, "grafana", "profiles"))).isEqualTo("[dashboards]");
      } else {
        assertThat(image).as(entry.getKey()).matches("(bulwark|ghcr\\.io/bulwark)/[a-z-]+:.+");
        assertThat(mapAt(services, entry.getKey())).as(entry.getKey()).doesNotContainKey("build");
      }
    }
  }

  @Test
  void postgresIsAPatroniPairWithASynchronousStandby() throws IOException {
    for (String node : List.of("postgres-1", "postgres-2")) {
      var env = mapAt(services, node, "environment");
      assertThat(env.get("PATRONI_NAME")).isEqualTo(node);
      assertThat(env.get("PATRONI_POSTGRESQL_CONNECT_ADDRESS")).isEqualTo(node + ":5432");
      assertThat(at(services, node, "image")).isEqualTo("bulwark/patroni:15");
    }
    Map<String, Object> patroni =
        new Yaml(new LoaderOptions())
            .load(Files.readString(Repository.path("deploy", "images", "patroni", "patroni.yml")));
    assertThat(at(patroni, "bootstrap", "dcs", "synchronous_mode")).isEqualTo(true);
    assertThat(String.valueOf(at(patroni, "postgresql", "basebackup")))
        .as("a new standby's base backup does not wait for a spread checkpoint")
        .contains("checkpoint=fast");
    assertThat(at(patroni, "etcd", "hosts"))
        .as("etcd's v2 protocol, whose renewal compares and swaps")
        .isEqualTo("etcd:2379");
    assertThat((List<?>) at(services, "etcd", "command")).anyMatch("--enable-v2=true"::equals);
    assertThat(
            Files.isExecutable(
                Repository.path("deploy", "images", "patroni", "create-databases.sh")))
        .isTrue();
  }

  @Test
  void theServicesRunTheBuiltImagesUnprivilegedAndFollowThePrimary() {
    for (String instance : SERVICE_INSTANCES) {
      var service = mapAt(services, instance);
      String name = instance.substring(0, instance.lastIndexOf('-'));
      assertThat(service.get("image"))
          .isEqualTo("ghcr.io/bulwark/" + name + ":" + Repository.VERSION);
      assertThat(service.get("read_only")).isEqualTo(true);
      assertThat(String.valueOf(service.get("user"))).isEqualTo("65532:65532");
      var env = mapAt(service, "environment");
      assertThat(String.valueOf(env.get("SPRING_DATASOURCE_URL")))
          .startsWith("jdbc:postgresql://postgres-1:5432,postgres-2:5432/")
          .endsWith("?targetServerType=primary");
      assertThat(env.get("SPRING_KAFKA_BOOTSTRAP_SERVERS"))
          .isEqualTo("kafka-1:9092,kafka-2:9092,kafka-3:9092");
      assertThat(env.get("LOGGING_STRUCTURED_FORMAT_CONSOLE")).as("JSON logs").isEqualTo("ecs");
    }
    assertThat(at(services, "gateway", "image"))
        .isEqualTo("ghcr.io/bulwark/gateway:" + Repository.VERSION);
    assertThat(at(services, "gateway", "environment", "LOGGING_STRUCTURED_FORMAT_CONSOLE"))
        .isEqualTo("ecs");
  }

  @Test
  void withTheTracingFileEveryServiceAndTheGatewayExportTheirSpansToJaegerAndNothingElseChanges() {
    Map<String, Object> traced = compose.overlaid("docker-compose.tracing.yml").services();

    List<String> exporting = new java.util.ArrayList<>(SERVICE_INSTANCES);
    exporting.add("gateway");
    for (String part : exporting) {
      assertThat(
              at(
                  traced,
                  part,
                  "environment",
                  "MANAGEMENT_OPENTELEMETRY_TRACING_EXPORT_OTLP_ENDPOINT"))
          .as(part)
          .isEqualTo("http://jaeger:4318/v1/traces");
      assertThat(mapAt(services, part, "environment"))
          .as("without the file, %s exports nothing", part)
          .doesNotContainKey("MANAGEMENT_OPENTELEMETRY_TRACING_EXPORT_OTLP_ENDPOINT");
      Map<String, Object> withoutExport = new java.util.HashMap<>(mapAt(traced, part));
      Map<String, Object> environment = new java.util.HashMap<>(mapAt(traced, part, "environment"));
      environment.remove("MANAGEMENT_OPENTELEMETRY_TRACING_EXPORT_OTLP_ENDPOINT");
      withoutExport.put("environment", environment);
      assertThat(withoutExport)
          .as("%s is otherwise as the stack has it", part)
          .isEqualTo(mapAt(services, part));
    }
    assertThat(String.valueOf(at(traced, "jaeger", "command")))
        .as("OTLP over HTTP on every interface of the container, not only its loopback")
        .contains("receivers.otlp.protocols.http.endpoint=0.0.0.0:4318");
    assertThat(String.valueOf(at(traced, "jaeger", "ports", 0))).startsWith("127.0.0.1:16686:");
  }

  @Test
  void theGatewayAndOrderServiceBalanceOverBothInstancesOfWhatTheyCall() {
    JsonMapper json = JsonMapper.builder().build();
    JsonNode gateway =
        json.readTree(
            String.valueOf(at(services, "gateway", "environment", "SPRING_APPLICATION_JSON")));
    assertThat(uris(gateway, "order-service"))
        .containsExactly("http://order-service-1:8080", "http://order-service-2:8080");
    assertThat(uris(gateway, "inventory-service"))
        .containsExactly("http://inventory-service-1:8080", "http://inventory-service-2:8080");
    JsonNode orders =
        json.readTree(
            String.valueOf(
                at(services, "order-service-1", "environment", "SPRING_APPLICATION_JSON")));
    assertThat(uris(orders, "inventory-service"))
        .containsExactly("http://inventory-service-1:8080", "http://inventory-service-2:8080");
  }

  @Test
  void prometheusScrapesEveryInstanceAndGrafanaHasThePlatformDashboard() throws IOException {
    Map<String, Object> prometheus =
        new Yaml(new LoaderOptions())
            .load(
                Files.readString(
                    Repository.path("deploy", "compose", "prometheus", "prometheus.yml")));
    Set<String> targets = new TreeSet<>();
    for (var job : Manifests.listAt(prometheus, "scrape_configs")) {
      for (var group : Manifests.listAt(job, "static_configs")) {
        for (Object target : (List<?>) group.get("targets")) {
          targets.add(target.toString());
        }
      }
    }
    for (String instance : SERVICE_INSTANCES) {
      assertThat(targets).contains(instance + ":9090");
    }
    assertThat(targets).contains("gateway:9090", "postgres-1:8008", "postgres-2:8008");

    JsonNode dashboard =
        JsonMapper.builder()
            .build()
            .readTree(
                Repository.path(
                        "deploy", "compose", "grafana", "dashboards", "bulwark-platform.json")
                    .toFile());
    assertThat(dashboard.get("uid").asString()).isEqualTo("bulwark-platform");
    List<String> queries =
        dashboard
            .get("panels")
            .valueStream()
            .map(panel -> panel.get("targets").get(0).get("expr").asString())
            .toList();
    assertThat(queries)
        .anyMatch(q -> q.contains("http_server_requests_seconds"))
        .anyMatch(q -> q.contains("bulwark_outbox_backlog"))
        .anyMatch(q -> q.contains("resilience4j_circuitbreaker_state"))
        .anyMatch(q -> q.contains("patroni_primary"));
  }

  private static List<String> uris(JsonNode json, String service) {
    return json.get("spring.cloud.discovery.client.simple.instances." + service)
        .valueStream()
        .map(instance -> instance.get("uri").asString())
        .toList();
  }
}
