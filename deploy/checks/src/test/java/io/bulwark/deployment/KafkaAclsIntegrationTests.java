package io.bulwark.deployment;

import static io.bulwark.deployment.Manifests.at;
import static io.bulwark.deployment.Manifests.listAt;
import static io.bulwark.deployment.Manifests.name;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bulwark.inventory.reservation.InventoryEvents;
import io.bulwark.order.ordering.OrderEvents;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * The Kubernetes overlay's Kafka ACLs (its rendered {@code KafkaUser}s), applied to a real KRaft
 * broker that authenticates every client and authorises with Kafka's own authorizer: a record
 * forged by the wrong service, or by a principal with no ACLs, is refused by the broker. The broker
 * here signs clients in with SASL/PLAIN (users in its own configuration, so none has to be created
 * first); the cluster uses SCRAM-SHA-512; what the ACLs allow is the same either way.
 */
class KafkaAclsIntegrationTests {

  private static final Map<String, String> PASSWORDS =
      Map.of(
          "admin", "admin-secret",
          "order-service", "order-secret",
          "inventory-service", "inventory-secret",
          "intruder", "intruder-secret");

  private static EmbeddedKafkaKraftBroker broker;

  @BeforeAll
  static void aBrokerWithTheRenderedAcls() throws Exception {
    StringBuilder users = new StringBuilder();
    PASSWORDS.forEach(
        (user, password) ->
            users.append(" user_").append(user).append("=\"").append(password).append('"'));
    broker = new EmbeddedKafkaKraftBroker(1, 1);
    broker.brokerProperties(
        Map.of(
            "listener.security.protocol.map", "EXTERNAL:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT",
            "sasl.enabled.mechanisms", "PLAIN",
            "listener.name.external.sasl.enabled.mechanisms", "PLAIN",
            "listener.name.external.plain.sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required"
                    + " username=\"admin\" password=\"admin-secret\""
                    + users
                    + ";",
            "sasl.mechanism.inter.broker.protocol", "PLAIN",
            "authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer",
            // the node itself over its controller listener, and the test's administrator
            "super.users", "User:ANONYMOUS;User:admin",
            "allow.everyone.if.no.acl.found", "false"));
    broker.afterPropertiesSet();
    try (Admin admin = Admin.create(client("admin"))) {
      admin
          .createTopics(
              List.of(
                      OrderEvents.TOPIC,
                      InventoryEvents.TOPIC,
                      OrderEvents.TOPIC + ".DLT",
                      InventoryEvents.TOPIC + ".DLT")
                  .stream()
                  .map(topic -> new NewTopic(topic, 1, (short) 1))
                  .toList())
          .all()
          .get();
      admin.createAcls(renderedAcls()).all().get();
    }
  }

  @AfterAll
  static void stop() {
    if (broker != null) {
      broker.destroy();
    }
  }

  /** Every ACL of the local overlay's KafkaUsers, as the broker's bindings. */
  static List<AclBinding> renderedAcls() {
    List<AclBinding> bindings = new ArrayList<>();
    for (var user : Manifests.of("local").ofKind("KafkaUser")) {
      assertThat(at(user, "spec", "authentication", "type")).isEqualTo("scram-sha-512");
      for (var acl : listAt(user, "spec", "authorization", "acls")) {
        ResourcePattern resource =
            new ResourcePattern(
                ResourceType.fromString(String.valueOf(at(acl, "resource", "type"))),
                String.valueOf(at(acl, "resource", "name")),
                PatternType.fromString(
                    String.valueOf(at(acl, "resource", "patternType"))
                        .toUpperCase(java.util.Locale.ROOT)));
        for (Object operation : (List<?>) at(acl, "operations")) {
          bindings.add(
              new AclBinding(
                  resource,
                  new AccessControlEntry(
                      "User:" + name(user),
                      "*",
                      AclOperation.fromString(String.valueOf(operation)),
                      AclPermissionType.ALLOW)));
        }
      }
    }
    return bindings;
  }

  private static Properties client(String user) {
    return client(user, PASSWORDS.get(user));
  }

  private static Properties client(String user, String password) {
    Properties properties = new Properties();
    properties.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString());
    properties.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT");
    properties.put("sasl.mechanism", "PLAIN");
    properties.put(
        "sasl.jaas.config",
        "org.apache.kafka.common.security.plain.PlainLoginModule required username=\""
            + user
            + "\" password=\""
            + password
            + "\";");
    properties.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");
    properties.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "10000");
    properties.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
    return properties;
  }

  private static void send(String user, String topic) throws Exception {
    send(client(user), topic);
  }

  static void send(Properties client, String topic) throws Exception {
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(client, new StringSerializer(), new StringSerializer())) {
      try {
        producer.send(new ProducerRecord<>(topic, "o-1", "{\"type\":\"forged\"}")).get();
      } catch (ExecutionException e) {
        throw (Exception) e.getCause();
      }
    }
  }

  @Test
  void eachServiceWritesItsOwnEventsAndTheDeadLettersOfWhatItConsumes() throws Exception {
    send("order-service", OrderEvents.TOPIC);
    send("order-service", InventoryEvents.TOPIC + ".DLT");
    send("inventory-service", InventoryEvents.TOPIC);
    send("inventory-service", OrderEvents.TOPIC + ".DLT");
  }

  @Test
  void aRecordForgedByTheOtherServiceIsRefusedByTheBroker() {
    assertThatThrownBy(() -> send("inventory-service", OrderEvents.TOPIC))
        .as("inventory-service forging OrderCancelled")
        .isInstanceOf(TopicAuthorizationException.class);
    assertThatThrownBy(() -> send("order-service", InventoryEvents.TOPIC))
        .as("order-service forging StockReserved")
        .isInstanceOf(TopicAuthorizationException.class);
  }

  @Test
  void aPrincipalWithoutAclsMayNeitherWriteNorRead() {
    assertThatThrownBy(() -> send("intruder", OrderEvents.TOPIC))
        .isInstanceOf(TopicAuthorizationException.class);
    assertThatThrownBy(() -> consume("intruder", "intruder", InventoryEvents.TOPIC))
        .isInstanceOfAny(TopicAuthorizationException.class, GroupAuthorizationException.class);
  }

  @Test
  void aClientThatCannotSignInGetsNothing() {
    assertThatThrownBy(() -> send(client("order-service", "wrong"), OrderEvents.TOPIC))
        .isInstanceOf(SaslAuthenticationException.class);
  }

  @Test
  void eachServiceReadsOnlyWhatItConsumesInItsOwnGroup() {
    consume("order-service", "order-service", InventoryEvents.TOPIC);
    consume("inventory-service", "inventory-service", OrderEvents.TOPIC);
    assertThatThrownBy(() -> consume("order-service", "order-service", OrderEvents.TOPIC))
        .isInstanceOf(TopicAuthorizationException.class);
    assertThatThrownBy(() -> consume("inventory-service", "order-service", OrderEvents.TOPIC))
        .as("in another service's group")
        .isInstanceOf(GroupAuthorizationException.class);
  }

  private static void consume(String user, String group, String topic) {
    Properties properties = client(user);
    properties.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(properties, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of(topic));
      for (int i = 0; i < 5; i++) {
        consumer.poll(Duration.ofSeconds(1));
      }
      consumer.commitSync();
    }
  }
}
