package io.bulwark.deployment;

import static io.bulwark.deployment.Manifests.at;
import static io.bulwark.deployment.Manifests.name;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bulwark.harness.process.ManagedProcess;
import io.bulwark.inventory.reservation.InventoryEvents;
import io.bulwark.order.ordering.OrderEvents;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * Kafka in the compose stack signs every client in and authorises it: a real KRaft broker with the
 * compose file's security settings (its JAAS lines with the secrets {@code secrets.sh} made, its
 * authorizer and super users), set up by the stack's own {@code kafka/setup.sh} run with Kafka's
 * own admin tools, then used by clients configured from the services' compose environment, bound as
 * Spring Boot binds it.
 *
 * <p>The broker here has a single listener for both mechanisms (PLAIN for the brokers and the
 * administrator, SCRAM-SHA-512 for the services) and a plaintext controller listener inside its own
 * process; the compose brokers have a listener per purpose, each with SASL, which {@link
 * #everyListenerOfEveryComposeBrokerSignsItsPeerInAndNoAclMeansNo} checks.
 */
class ComposeKafkaSecurityIntegrationTests {

  private static final String ADMIN_TOOLS_JVM = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC";

  private static ComposeFile compose;
  private static EmbeddedKafkaKraftBroker broker;
  private static Path scripts;

  @BeforeAll
  static void aBrokerSecuredAsInComposeAndSetUpByTheStacksScript() throws IOException {
    compose = ComposeFile.resolve("compose-kafka-test");
    Map<String, String> kafka = compose.environment("kafka-1");
    broker = new EmbeddedKafkaKraftBroker(1, 1);
    broker.brokerProperties(
        Map.of(
            "listener.security.protocol.map",
            "EXTERNAL:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT",
            "sasl.enabled.mechanisms",
            "PLAIN,SCRAM-SHA-512",
            "listener.name.external.sasl.enabled.mechanisms",
            "PLAIN,SCRAM-SHA-512",
            "listener.name.external.plain.sasl.jaas.config",
            kafka.get("KAFKA_LISTENER_NAME_BROKER_PLAIN_SASL_JAAS_CONFIG"),
            "listener.name.external.scram-sha-512.sasl.jaas.config",
            kafka.get("KAFKA_LISTENER_NAME_CLIENT_SCRAM___SHA___512_SASL_JAAS_CONFIG"),
            "sasl.mechanism.inter.broker.protocol",
            "PLAIN",
            "authorizer.class.name",
            kafka.get("KAFKA_AUTHORIZER_CLASS_NAME"),
            // ANONYMOUS: this process's own plaintext controller listener (compose's has SASL)
            "super.users",
            kafka.get("KAFKA_SUPER_USERS") + ";User:ANONYMOUS",
            "allow.everyone.if.no.acl.found",
            kafka.get("KAFKA_ALLOW_EVERYONE_IF_NO_ACL_FOUND"),
            "auto.create.topics.enable",
            kafka.get("KAFKA_AUTO_CREATE_TOPICS_ENABLE")));
    broker.afterPropertiesSet();
    scripts = kafkaScripts(Path.of("target", "kafka-bin").toAbsolutePath());
    runSetup().assertSucceeded("kafka/setup.sh");
  }

  @AfterAll
  static void stop() {
    if (broker != null) {
      broker.destroy();
    }
  }

  @Test
  void theStacksScriptGrantsExactlyTheAclsOfTheKubernetesKafkaUsers() throws Exception {
    assertThat(acls()).isEqualTo(new HashSet<>(KafkaAclsIntegrationTests.renderedAcls()));
  }

  @Test
  void theStacksScriptCreatesTheTopicsOfTheKubernetesKafkaTopics() throws Exception {
    Map<String, String> expected = new TreeMap<>();
    for (var topic : Manifests.of("local").ofKind("KafkaTopic")) {
      Object topicName = at(topic, "spec", "topicName");
      expected.put(
          topicName == null ? name(topic) : topicName.toString(),
          at(topic, "spec", "partitions") + " " + at(topic, "spec", "config", "retention.ms"));
    }
    Map<String, String> created = new TreeMap<>();
    try (Admin admin = Admin.create(asAdministrator())) {
      var descriptions = admin.describeTopics(expected.keySet()).allTopicNames().get();
      var resources =
          expected.keySet().stream()
              .map(topic -> new ConfigResource(ConfigResource.Type.TOPIC, topic))
              .toList();
      Map<ConfigResource, Config> configs = admin.describeConfigs(resources).all().get();
      descriptions.forEach(
          (topic, description) ->
              created.put(
                  topic,
                  description.partitions().size()
                      + " "
                      + configs
                          .get(new ConfigResource(ConfigResource.Type.TOPIC, topic))
                          .get("retention.ms")
                          .value()));
    }
    assertThat(created).isEqualTo(expected);
  }

  @Test
  void eachServiceSignsInWithItsComposeSettingsAndWritesOnlyItsOwnEvents() throws Exception {
    send(service("order-service-1"), OrderEvents.TOPIC);
    send(service("order-service-1"), InventoryEvents.TOPIC + ".DLT");
    send(service("inventory-service-1"), InventoryEvents.TOPIC);
    send(service("inventory-service-1"), OrderEvents.TOPIC + ".DLT");
    assertThatThrownBy(() -> send(service("order-service-2"), InventoryEvents.TOPIC))
        .as("order-service forging StockReserved")
        .isInstanceOf(TopicAuthorizationException.class);
    assertThatThrownBy(() -> send(service("inventory-service-2"), OrderEvents.TOPIC))
        .as("inventory-service forging OrderCancelled")
        .isInstanceOf(TopicAuthorizationException.class);
  }

  @Test
  void aClientWithoutItsPasswordIsNotSignedIn() {
    Map<String, Object> impostor = service("order-service-1");
    impostor.put(
        "sasl.jaas.config",
        "org.apache.kafka.common.security.scram.ScramLoginModule required"
            + " username=\"order-service\" password=\"guessed\";");
    assertThatThrownBy(() -> send(impostor, OrderEvents.TOPIC))
        .isInstanceOf(SaslAuthenticationException.class);
  }

  @Test
  void aSecondRunOfTheStacksScriptSucceedsAndChangesNothing() throws Exception {
    Set<AclBinding> before = acls();

    runSetup().assertSucceeded("kafka/setup.sh, a second time");

    assertThat(acls()).isEqualTo(before);
    send(service("order-service-1"), OrderEvents.TOPIC);
  }

  @Test
  void everyListenerOfEveryComposeBrokerSignsItsPeerInAndNoAclMeansNo() {
    for (String node : List.of("kafka-1", "kafka-2", "kafka-3")) {
      Map<String, String> kafka = compose.environment(node);
      for (String listener : kafka.get("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP").split(",")) {
        assertThat(listener).as(node).endsWith(":SASL_PLAINTEXT");
      }
      assertThat(kafka.get("KAFKA_LISTENER_NAME_CLIENT_SASL_ENABLED_MECHANISMS"))
          .isEqualTo("SCRAM-SHA-512");
      assertThat(kafka.get("KAFKA_SUPER_USERS")).isEqualTo("User:broker;User:admin");
      assertThat(kafka.get("KAFKA_ALLOW_EVERYONE_IF_NO_ACL_FOUND")).isEqualTo("false");
      assertThat(kafka.get("KAFKA_AUTO_CREATE_TOPICS_ENABLE")).isEqualTo("false");
      assertThat(kafka.get("KAFKA_LISTENER_NAME_BROKER_PLAIN_SASL_JAAS_CONFIG"))
          .contains(compose.secrets().get("KAFKA_BROKER_PASSWORD"))
          .contains(compose.secrets().get("KAFKA_ADMIN_PASSWORD"));
    }
    for (String instance :
        List.of(
            "order-service-1", "order-service-2", "inventory-service-1", "inventory-service-2")) {
      Map<String, String> environment = compose.environment(instance);
      assertThat(environment.get("SPRING_KAFKA_SECURITY_PROTOCOL")).isEqualTo("SASL_PLAINTEXT");
      assertThat(environment.get("SPRING_KAFKA_ADMIN_AUTOCREATE")).isEqualTo("false");
    }
  }

  /** The producer settings a service instance runs with in the stack, but for this broker. */
  private static Map<String, Object> service(String instance) {
    Map<String, Object> environment = new HashMap<>(compose.environment(instance));
    environment.put("SPRING_KAFKA_BOOTSTRAP_SERVERS", broker.getBrokersAsString());
    var source =
        new SystemEnvironmentPropertySource(
            StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, environment);
    KafkaProperties properties =
        new Binder(ConfigurationPropertySources.from(source))
            .bind("spring.kafka", KafkaProperties.class)
            .get();
    Map<String, Object> producer = new HashMap<>(properties.buildProducerProperties());
    producer.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");
    producer.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "10000");
    producer.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
    return producer;
  }

  private static Map<String, Object> asAdministrator() {
    return Map.of(
        CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG,
        broker.getBrokersAsString(),
        CommonClientConfigs.SECURITY_PROTOCOL_CONFIG,
        "SASL_PLAINTEXT",
        "sasl.mechanism",
        "PLAIN",
        "sasl.jaas.config",
        "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"admin\""
            + " password=\""
            + compose.secrets().get("KAFKA_ADMIN_PASSWORD")
            + "\";");
  }

  private static Set<AclBinding> acls() throws Exception {
    try (Admin admin = Admin.create(asAdministrator())) {
      return new HashSet<>(admin.describeAcls(AclBindingFilter.ANY).values().get());
    }
  }

  /** A record sent with these client settings, as the ACL test sends its own. */
  private static void send(Map<String, Object> client, String topic) throws Exception {
    Properties properties = new Properties();
    properties.putAll(client);
    KafkaAclsIntegrationTests.send(properties, topic);
  }

  /** {@code setup.sh} as the {@code kafka-setup} container runs it, but against this broker. */
  private static Tool.Result runSetup() {
    Map<String, String> environment = new HashMap<>(compose.environment("kafka-setup"));
    environment.put("KAFKA_BIN", scripts.toString());
    environment.put("KAFKA_BOOTSTRAP", broker.getBrokersAsString());
    return Tool.in(Repository.ROOT, "sh", "deploy/compose/kafka/setup.sh").with(environment).run();
  }

  /**
   * Kafka's {@code bin} scripts that the setup uses, each running its tool from the test's own
   * classpath (the same Kafka release as the broker), as the image's scripts run them from its.
   */
  private static Path kafkaScripts(Path dir) throws IOException {
    Files.createDirectories(dir);
    String classpath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    Map<String, String> tools =
        Map.of(
            "kafka-topics.sh", "org.apache.kafka.tools.TopicCommand",
            "kafka-acls.sh", "org.apache.kafka.tools.AclCommand",
            "kafka-configs.sh", "kafka.admin.ConfigCommand");
    tools.forEach(
        (script, main) -> {
          Path file = dir.resolve(script);
          try {
            Files.writeString(
                file,
                "#!/bin/sh\nexec '%s' %s -cp '%s' %s \"$@\"\n"
                    .formatted(ManagedProcess.javaExecutable(), ADMIN_TOOLS_JVM, classpath, main));
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
    return dir;
  }
}
