package io.bulwark.deployment;

import static io.bulwark.deployment.Manifests.at;
import static io.bulwark.deployment.Manifests.listAt;
import static io.bulwark.deployment.Manifests.mapAt;
import static io.bulwark.deployment.Manifests.name;
import static org.assertj.core.api.Assertions.assertThat;

import io.bulwark.inventory.reservation.InventoryEvents;
import io.bulwark.order.ordering.OrderEvents;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every overlay under {@code deploy/k8s/overlays}, rendered with {@code kubectl kustomize}: valid
 * against the Kubernetes and operator schemas, and held to the platform's rules.
 */
class KubernetesManifestsIntegrationTests {

  private static final Set<String> SERVICES = Set.of("order-service", "inventory-service");
  private static final Map<String, String> DATABASE_OF =
      Map.of("order-service", "orders-db", "inventory-service", "inventory-db");

  static Stream<String> overlays() {
    return Manifests.overlays();
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void rendersAndEveryObjectIsValidAgainstItsSchemaWithNoUnknownField(String overlay) {
    Manifests manifests = Manifests.of(overlay);

    Tool.Result report = SchemaValidator.validate(manifests.yaml);

    assertThat(report.exit()).as(report.out() + report.err()).isZero();
    assertThat(report.out().lines().filter(line -> line.startsWith("valid ")))
        .as("one verdict per object")
        .hasSize(manifests.objects.size());
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void everyContainerIsProbedOnSpringBootsLivenessAndReadinessEndpoints(String overlay) {
    SoftAssertions soft = new SoftAssertions();
    for (var container : containers(overlay)) {
      String where = overlay + " " + container.get("name");
      soft.assertThat(at(container, "startupProbe", "httpGet", "path"))
          .as(where + " startup")
          .isEqualTo("/actuator/health/liveness");
      soft.assertThat(at(container, "livenessProbe", "httpGet", "path"))
          .as(where + " liveness")
          .isEqualTo("/actuator/health/liveness");
      soft.assertThat(at(container, "readinessProbe", "httpGet", "path"))
          .as(where + " readiness")
          .isEqualTo("/actuator/health/readiness");
      for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
        soft.assertThat(at(container, probe, "httpGet", "port"))
            .as(where + " " + probe + " on the management port")
            .isEqualTo("management");
      }
      // a slow start is the startup probe's business; liveness must not kill a starting JVM
      soft.assertThat((Integer) at(container, "startupProbe", "failureThreshold"))
          .as(where + " startup budget")
          .isGreaterThanOrEqualTo(20);
    }
    soft.assertAll();
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void readinessIsWhatTheServicesDefineWithNoCircuitBreakerAddedByConfiguration(String overlay) {
    Manifests manifests = Manifests.of(overlay);
    // the readiness groups the services ship with (readinessState and db; the gateway only
    // readinessState) are tested on the running services, so no ConfigMap may redefine them
    for (var configMap : manifests.ofKind("ConfigMap")) {
      var data = mapAt(configMap, "data");
      if (data.containsKey("application.yaml")) {
        var config = Manifests.yamlIn(configMap, "application.yaml");
        assertThat(at(config, "management", "endpoint", "health", "group"))
            .as(name(configMap) + " redefines a health group")
            .isNull();
      }
    }
    assertThat(manifests.yaml).doesNotContainIgnoringCase("circuitbreaker");
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void everyServiceLogsJsonAndExportsItsSpansOverOtlp(String overlay) {
    var platform =
        Manifests.yamlIn(
            Manifests.of(overlay).configMap("bulwark-platform-config"), "application.yaml");
    assertThat(at(platform, "logging", "structured", "format", "console")).isEqualTo("ecs");
    assertThat(
            String.valueOf(
                at(
                    platform,
                    "management",
                    "opentelemetry",
                    "tracing",
                    "export",
                    "otlp",
                    "endpoint")))
        .matches("https?://.+/v1/traces");
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void everyContainerHasCpuAndMemoryRequestsAndLimits(String overlay) {
    SoftAssertions soft = new SoftAssertions();
    for (var container : containers(overlay)) {
      for (String kind : List.of("requests", "limits")) {
        for (String resource : List.of("cpu", "memory")) {
          soft.assertThat(at(container, "resources", kind, resource))
              .as(overlay + " " + container.get("name") + " " + kind + "." + resource)
              .isNotNull();
        }
      }
      // memory is not overcommitted: a JVM sized from its limit is never OOM-killed below it
      soft.assertThat(at(container, "resources", "requests", "memory"))
          .as(overlay + " " + container.get("name") + " memory request = limit")
          .isEqualTo(at(container, "resources", "limits", "memory"));
    }
    soft.assertAll();
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void everyPodRunsAsNonRootOnAReadOnlyRootFilesystemWithoutPrivileges(String overlay) {
    SoftAssertions soft = new SoftAssertions();
    for (var deployment : Manifests.of(overlay).ofKind("Deployment")) {
      var pod = mapAt(deployment, "spec", "template", "spec");
      String where = overlay + " " + name(deployment);
      soft.assertThat(at(pod, "securityContext", "runAsNonRoot")).as(where).isEqualTo(true);
      soft.assertThat((Integer) at(pod, "securityContext", "runAsUser")).as(where).isPositive();
      soft.assertThat(at(pod, "securityContext", "seccompProfile", "type"))
          .as(where)
          .isEqualTo("RuntimeDefault");
      soft.assertThat(at(pod, "automountServiceAccountToken")).as(where).isNotEqualTo(true);
      for (var container : listAt(pod, "containers")) {
        var security = mapAt(container, "securityContext");
        soft.assertThat(security.get("runAsNonRoot")).as(where).isEqualTo(true);
        soft.assertThat(security.get("readOnlyRootFilesystem")).as(where).isEqualTo(true);
        soft.assertThat(security.get("allowPrivilegeEscalation")).as(where).isEqualTo(false);
        soft.assertThat(at(security, "capabilities", "drop")).as(where).isEqualTo(List.of("ALL"));
        // the JVM and Tomcat write only to /tmp, a volume of its own
        soft.assertThat(listAt(container, "volumeMounts"))
            .as(where + " /tmp")
            .anyMatch(mount -> "/tmp".equals(mount.get("mountPath")));
      }
    }
    for (var account : Manifests.of(overlay).ofKind("ServiceAccount")) {
      soft.assertThat(account.get("automountServiceAccountToken"))
          .as(overlay + " " + name(account))
          .isEqualTo(false);
    }
    soft.assertAll();
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void shutdownPausesForTheEndpointsThenDrainsWithinTheGracePeriod(String overlay) {
    Manifests manifests = Manifests.of(overlay);
    Map<String, Object> platform =
        Manifests.yamlIn(manifests.configMap("bulwark-platform-config"), "application.yaml");
    assertThat(at(platform, "server", "shutdown")).isEqualTo("graceful");
    int drain = seconds(at(platform, "spring", "lifecycle", "timeout-per-shutdown-phase"));
    for (var deployment : manifests.ofKind("Deployment")) {
      var pod = mapAt(deployment, "spec", "template", "spec");
      for (var container : listAt(pod, "containers")) {
        int pause = (Integer) at(container, "lifecycle", "preStop", "sleep", "seconds");
        assertThat(pause).as(name(deployment) + " preStop pause").isBetween(5, 30);
        assertThat((Integer) pod.get("terminationGracePeriodSeconds"))
            .as(name(deployment) + ": grace period > pause + drain + the rest of the shutdown")
            .isGreaterThanOrEqualTo(pause + drain + 10);
      }
      assertThat(at(deployment, "spec", "strategy", "rollingUpdate", "maxUnavailable"))
          .as(name(deployment) + " rolls without losing capacity")
          .isEqualTo(0);
    }
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void everyDeploymentHasAnAutoscalerAndADisruptionBudgetThatStillAllowsADrain(String overlay) {
    Manifests manifests = Manifests.of(overlay);
    for (var deployment : manifests.ofKind("Deployment")) {
      String name = name(deployment);
      var labels = mapAt(deployment, "spec", "template", "metadata", "labels");
      if ("single".equals(mapAt(deployment, "metadata", "labels").get("bulwark.io/replicas"))) {
        // one instance by design (the authorization server's in-memory authorizations): no
        // autoscaler may add a second, and a drain may still take it
        assertThat((Integer) at(deployment, "spec", "replicas"))
            .as(name + " replicas")
            .isEqualTo(1);
        assertThat(manifests.ofKind("HorizontalPodAutoscaler"))
            .noneMatch(h -> name.equals(at(h, "spec", "scaleTargetRef", "name")));
        assertThat(manifests.ofKind("PodDisruptionBudget"))
            .filteredOn(b -> selects(mapAt(b, "spec", "selector", "matchLabels"), labels))
            .singleElement()
            .satisfies(b -> assertThat((Integer) at(b, "spec", "maxUnavailable")).isEqualTo(1));
        continue;
      }
      var autoscaler =
          manifests.ofKind("HorizontalPodAutoscaler").stream()
              .filter(h -> name.equals(at(h, "spec", "scaleTargetRef", "name")))
              .findFirst()
              .orElseThrow(() -> new AssertionError(overlay + ": no autoscaler for " + name));
      int min = (Integer) at(autoscaler, "spec", "minReplicas");
      assertThat(min).as(name + " minReplicas").isGreaterThanOrEqualTo(2);
      assertThat((Integer) at(autoscaler, "spec", "maxReplicas")).isGreaterThan(min);
      assertThat((Integer) at(deployment, "spec", "replicas")).isGreaterThanOrEqualTo(min);

      var budget =
          manifests.ofKind("PodDisruptionBudget").stream()
              .filter(b -> selects(mapAt(b, "spec", "selector", "matchLabels"), labels))
              .findFirst()
              .orElseThrow(() -> new AssertionError(overlay + ": no budget for " + name));
      Object minAvailable = at(budget, "spec", "minAvailable");
      Object maxUnavailable = at(budget, "spec", "maxUnavailable");
      if (minAvailable != null) {
        assertThat((Integer) minAvailable).as(name + " minAvailable").isBetween(1, min - 1);
      } else {
        assertThat((Integer) maxUnavailable).as(name + " maxUnavailable").isPositive();
      }
    }
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void theActuatorIsOnAManagementPortOnlyTheConsolesHeadlessServicesName(String overlay) {
    Manifests manifests = Manifests.of(overlay);
    for (var container : containers(overlay)) {
      assertThat(listAt(container, "ports"))
          .as(container.get("name") + " ports")
          .anySatisfy(
              p ->
                  assertThat(p)
                      .containsEntry("name", "management")
                      .containsEntry("containerPort", 9090));
    }
    for (var service : manifests.ofKind("Service")) {
      if (name(service).endsWith("-management")) {
        // no address to balance over: a name for the gateway's console to find every pod by
        assertThat(at(service, "spec", "clusterIP")).as(name(service)).isEqualTo("None");
        assertThat(at(service, "spec", "publishNotReadyAddresses")).isEqualTo(true);
        assertThat(listAt(service, "spec", "ports"))
            .allSatisfy(
                p -> assertThat(String.valueOf(p.get("targetPort"))).isEqualTo("management"));
      } else {
        assertThat(listAt(service, "spec", "ports"))
            .as(name(service) + " exposes")
            .allSatisfy(p -> assertThat(String.valueOf(p.get("targetPort"))).isEqualTo("http"));
      }
    }
  }

  /**
   * The gateway's console watches every pod of each service through its headless management
   * Service, and the network policies let the gateway (and Prometheus) alone reach that port.
   */
  @ParameterizedTest
  @MethodSource("overlays")
  void theConsoleWatchesEveryPodThroughItsManagementServiceAndOnlyItAndPrometheusReachIt(
      String overlay) {
    Manifests manifests = Manifests.of(overlay);
    Set<String> headless =
        manifests.ofKind("Service").stream()
            .filter(s -> "None".equals(at(s, "spec", "clusterIP")))
            .map(Manifests::name)
            .collect(Collectors.toSet());
    var gatewayConfig =
        manifests.ofKind("ConfigMap").stream()
            .filter(c -> mapAt(c, "data").containsKey("application.yaml"))
            .map(c -> Manifests.yamlIn(c, "application.yaml"))
            .filter(c -> at(c, "bulwark", "gateway", "console", "discover") != null)
            .findFirst()
            .orElseThrow(() -> new AssertionError(overlay + ": no console discovery"));
    @SuppressWarnings("unchecked")
    var discovered =
        (List<Map<String, Object>>) at(gatewayConfig, "bulwark", "gateway", "console", "discover");
    assertThat(discovered)
        .extracting(d -> String.valueOf(d.get("service")))
        .containsExactlyInAnyOrder("auth-server", "inventory-service", "order-service");
    for (var service : discovered) {
      assertThat(headless).contains(String.valueOf(service.get("host")));
      assertThat(service.get("port")).isEqualTo(9090);
    }
    for (String part : List.of("auth-server", "inventory-service", "order-service")) {
      Set<String> reaching = new java.util.TreeSet<>();
      for (var policy : policiesSelecting(manifests, part)) {
        for (var rule : listAt(policy, "spec", "ingress")) {
          boolean management =
              listAt(rule, "ports").stream()
                  .anyMatch(p -> Integer.valueOf(9090).equals(p.get("port")));
          if (management) {
            for (var peer : listAt(rule, "from")) {
              reaching.add(
                  String.valueOf(at(peer, "podSelector", "matchLabels", "app.kubernetes.io/name")));
            }
          }
        }
      }
      assertThat(reaching)
          .as(overlay + ": who reaches " + part + "'s management port")
          .containsExactlyInAnyOrder("gateway", "prometheus");
    }
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void everyPartAcceptsTokensOfThePlatformsIssuerAndTakesItsClientSecretsFromSecrets(
      String overlay) {
    Manifests manifests = Manifests.of(overlay);
    assertThat(manifests.ofKind("Deployment")).extracting(d -> name(d)).contains("auth-server");
    assertThat(manifests.yaml)
        .contains("issuer-uri: http://auth-server:9000", "audiences: bulwark-api")
        .doesNotContainPattern("(?i)client-?secret:\\s*\\S");
    for (var deployment : manifests.ofKind("Deployment")) {
      String env = String.valueOf(at(deployment, "spec", "template", "spec", "containers"));
      if (name(deployment).equals("order-service") || name(deployment).equals("gateway")) {
        assertThat(env).as(name(deployment)).contains("secretKeyRef", "bulwark-clients");
      }
    }
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void onlyTheGatewayReachesTheServices(String overlay) {
    Manifests manifests = Manifests.of(overlay);
    Map<String, Set<String>> allowedCallers =
        Map.of(
            "order-service",
            Set.of("gateway"),
            "inventory-service",
            Set.of("gateway", "order-service"));
    for (String service : SERVICES) {
      var policies = policiesSelecting(manifests, service);
      assertThat(policies).as(overlay + ": a NetworkPolicy selects " + service).isNotEmpty();
      Set<String> callers = new java.util.TreeSet<>();
      for (var policy : policies) {
        assertThat(String.valueOf(at(policy, "spec", "policyTypes"))).contains("Ingress");
        for (var rule : listAt(policy, "spec", "ingress")) {
          var from = listAt(rule, "from");
          assertThat(from).as(service + ": every ingress rule names its peers").isNotEmpty();
          for (var peer : from) {
            assertThat(peer).as(service + ": no address blocks").doesNotContainKey("ipBlock");
            if (peer.containsKey("namespaceSelector")) {
              // only Prometheus, from the monitoring namespace
              assertThat(
                      at(peer, "namespaceSelector", "matchLabels", "kubernetes.io/metadata.name"))
                  .isEqualTo("monitoring");
              assertThat(at(peer, "podSelector", "matchLabels", "app.kubernetes.io/name"))
                  .isEqualTo("prometheus");
            } else {
              callers.add(
                  String.valueOf(at(peer, "podSelector", "matchLabels", "app.kubernetes.io/name")));
            }
          }
        }
      }
      assertThat(callers)
          .as(overlay + ": who calls " + service)
          .isEqualTo(allowedCallers.get(service));
    }
    var gateway = policiesSelecting(manifests, "gateway");
    assertThat(gateway).as(overlay + ": the gateway has its policy too").isNotEmpty();
    assertThat(manifests.ofKind("Service"))
        .filteredOn(s -> !"gateway".equals(name(s)))
        .allSatisfy(s -> assertThat(at(s, "spec", "type")).isIn(null, "ClusterIP"));
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void eachServiceHasItsOwnPostgresClusterWithASynchronousStandby(String overlay) {
    Manifests manifests = Manifests.of(overlay);
    for (String service : SERVICES) {
      String cluster = DATABASE_OF.get(service);
      var postgres = manifests.named("Cluster", cluster);
      assertThat((Integer) at(postgres, "spec", "instances")).isGreaterThanOrEqualTo(2);
      assertThat(at(postgres, "spec", "postgresql", "synchronous", "method")).isIn("any", "first");
      assertThat((Integer) at(postgres, "spec", "postgresql", "synchronous", "number"))
          .as(cluster + ": a commit waits for a standby")
          .isGreaterThanOrEqualTo(1)
          .isLessThan((Integer) at(postgres, "spec", "instances"));

      var config = Manifests.yamlIn(manifests.configMap(service + "-config"), "application.yaml");
      assertThat(String.valueOf(at(config, "spring", "datasource", "url")))
          .as(service + " writes to its cluster's primary")
          .startsWith("jdbc:postgresql://" + cluster + "-rw:5432/");
      var container =
          listAt(manifests.named("Deployment", service), "spec", "template", "spec", "containers")
              .get(0);
      assertThat(listAt(container, "env"))
          .as(service + " takes its credentials from the operator's Secret")
          .filteredOn(env -> String.valueOf(env.get("name")).startsWith("SPRING_DATASOURCE_"))
          .extracting(env -> at(env, "valueFrom", "secretKeyRef", "name"))
          .containsOnly(cluster + "-app");
    }
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void kafkaRunsInKraftModeOnThreeBrokersThatAcknowledgeOnTwo(String overlay) {
    Manifests manifests = Manifests.of(overlay);
    var kafka = manifests.named("Kafka", "bulwark");
    assertThat(mapAt(kafka, "metadata", "annotations"))
        .containsEntry("strimzi.io/kraft", "enabled")
        .containsEntry("strimzi.io/node-pools", "enabled");
    assertThat(mapAt(kafka, "spec")).doesNotContainKey("zookeeper");
    var config = mapAt(kafka, "spec", "kafka", "config");
    assertThat(config)
        .containsEntry("default.replication.factor", 3)
        .containsEntry("min.insync.replicas", 2)
        .containsEntry("offsets.topic.replication.factor", 3)
        .containsEntry("auto.create.topics.enable", false);
    int brokers =
        manifests.ofKind("KafkaNodePool").stream()
            .filter(pool -> "bulwark".equals(at(pool, "metadata", "labels", "strimzi.io/cluster")))
            .filter(pool -> ((List<?>) at(pool, "spec", "roles")).contains("broker"))
            .mapToInt(pool -> (Integer) at(pool, "spec", "replicas"))
            .sum();
    assertThat(brokers).isEqualTo(3);
    int controllers =
        manifests.ofKind("KafkaNodePool").stream()
            .filter(pool -> ((List<?>) at(pool, "spec", "roles")).contains("controller"))
            .mapToInt(pool -> (Integer) at(pool, "spec", "replicas"))
            .sum();
    assertThat(controllers)
        .as("a KRaft quorum survives one loss")
        .isGreaterThanOrEqualTo(3)
        .isOdd();
    var platform =
        Manifests.yamlIn(manifests.configMap("bulwark-platform-config"), "application.yaml");
    assertThat(at(platform, "spring", "kafka", "bootstrap-servers"))
        .isEqualTo("bulwark-kafka-bootstrap:9092");
    assertThat(at(platform, "spring", "kafka", "admin", "auto-create")).isEqualTo(false);
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void everyTopicTheServicesUseIsAKafkaTopicWithItsDeadLetterTopic(String overlay) {
    Manifests manifests = Manifests.of(overlay);
    Map<String, Map<String, Object>> topics =
        manifests.ofKind("KafkaTopic").stream()
            .collect(
                Collectors.toMap(
                    t ->
                        String.valueOf(
                            at(t, "spec", "topicName") != null
                                ? at(t, "spec", "topicName")
                                : name(t)),
                    t -> t));
    List<String> expected = new ArrayList<>();
    for (String topic : List.of(OrderEvents.TOPIC, InventoryEvents.TOPIC)) {
      expected.add(topic);
      expected.add(topic + ".DLT");
    }
    assertThat(topics.keySet()).containsExactlyInAnyOrderElementsOf(expected);
    for (var topic : topics.values()) {
      assertThat(at(topic, "metadata", "labels", "strimzi.io/cluster")).isEqualTo("bulwark");
      assertThat(at(topic, "spec", "replicas")).isEqualTo(3);
      assertThat(at(topic, "spec", "config", "min.insync.replicas")).isEqualTo(2);
    }
    for (String source : List.of(OrderEvents.TOPIC, InventoryEvents.TOPIC)) {
      assertThat(at(topics.get(source + ".DLT"), "spec", "partitions"))
          .as("a dead letter keeps its partition number")
          .isEqualTo(at(topics.get(source), "spec", "partitions"));
    }
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void servicesFindEachOtherThroughKubernetesServices(String overlay) {
    Manifests manifests = Manifests.of(overlay);
    Set<String> services =
        manifests.ofKind("Service").stream().map(Manifests::name).collect(Collectors.toSet());
    for (String caller : List.of("gateway", "order-service")) {
      var config = Manifests.yamlIn(manifests.configMap(caller + "-config"), "application.yaml");
      var instances =
          mapAt(config, "spring", "cloud", "discovery", "client", "simple", "instances");
      assertThat(instances).as(caller).isNotEmpty();
      instances.forEach(
          (service, list) -> {
            assertThat(listAt(list))
                .as(caller + " → " + service)
                .singleElement()
                .satisfies(
                    instance ->
                        assertThat(instance.get("uri")).isEqualTo("http://" + service + ":8080"));
            assertThat(services).contains(service);
          });
    }
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void imagesAreTaggedNeverLatest(String overlay) {
    for (var container : containers(overlay)) {
      String image = String.valueOf(container.get("image"));
      assertThat(image).as(overlay).matches(".+:[\\w.-]+").doesNotEndWith(":latest");
    }
  }

  private static List<Map<String, Object>> containers(String overlay) {
    List<Map<String, Object>> containers = new ArrayList<>();
    for (var deployment : Manifests.of(overlay).ofKind("Deployment")) {
      containers.addAll(listAt(deployment, "spec", "template", "spec", "containers"));
    }
    assertThat(containers).as(overlay + " containers").hasSizeGreaterThanOrEqualTo(3);
    return containers;
  }

  private static List<Map<String, Object>> policiesSelecting(Manifests manifests, String app) {
    return manifests.ofKind("NetworkPolicy").stream()
        .filter(
            p ->
                selects(
                    mapAt(p, "spec", "podSelector", "matchLabels"),
                    Map.of("app.kubernetes.io/name", app)))
        .toList();
  }

  private static boolean selects(Map<String, Object> selector, Map<String, ?> labels) {
    return !selector.isEmpty()
        && selector.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
  }

  private static int seconds(Object duration) {
    String text = String.valueOf(duration);
    assertThat(text).matches("\\d+s");
    return Integer.parseInt(text.substring(0, text.length() - 1));
  }
}
