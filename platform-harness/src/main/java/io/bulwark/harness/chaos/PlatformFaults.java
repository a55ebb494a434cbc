package io.bulwark.harness.chaos;

import io.bulwark.harness.Await;
import io.bulwark.harness.auth.Identities;
import io.bulwark.harness.client.OrderRequest;
import io.bulwark.harness.client.PlatformClient;
import io.bulwark.harness.http.HttpJson;
import io.bulwark.harness.kafka.KafkaCluster;
import io.bulwark.harness.platform.PlatformLauncher;
import io.bulwark.harness.platform.PlatformLauncher.Instance;
import io.bulwark.harness.postgres.PatroniCluster;
import io.bulwark.harness.process.Commands;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jspecify.annotations.Nullable;

/**
 * The faults a platform started by the harness can suffer on purpose, from the parts its starter
 * owns: its service instances (freeze, kill and start again), its Kafka brokers (stop for a while)
 * and its database cluster (kill or cut off the primary), and records sent to its topics (a record
 * that is no event; events delivered again). What the starter does not own is listed as
 * unavailable, with the reason.
 */
public final class PlatformFaults {

  static final String ORDER_EVENTS = "bulwark.orders.events";
  static final String INVENTORY_EVENTS = "bulwark.inventory.events";

  /**
   * The SKU of the order whose reservation inventory-service cannot write while that fault lasts.
   */
  public static final String FAILING_SKU = "CHAOS-FAIL";

  /** The function and the trigger that refuse its reservations, in inventory-service's database. */
  private static final String REFUSAL = "bulwark_chaos_refuse_reservation";

  private static final Duration STARTUP = Duration.ofSeconds(180);
  private static final List<String> SECONDS = List.of("5", "10", "20", "30", "60");

  private final PlatformLauncher launcher;
  private final PlatformClient client;
  private final String kafkaBootstrap;
  private final @Nullable KafkaCluster kafka;
  private final @Nullable PatroniCluster patroni;
  private final boolean partitions;

  /** The agent these faults run under, told the moment each fault takes hold. */
  private volatile @Nullable ChaosAgent agent;

  /** The instances by name; one started again takes its predecessor's place. */
  private final Map<String, Instance> instances = new LinkedHashMap<>();

  private PlatformFaults(
      PlatformLauncher launcher,
      PlatformClient client,
      String kafkaBootstrap,
      @Nullable KafkaCluster kafka,
      @Nullable PatroniCluster patroni,
      boolean partitions) {
    this.launcher = launcher;
    this.client = client;
    this.kafkaBootstrap = kafkaBootstrap;
    this.kafka = kafka;
    this.patroni = patroni;
    this.partitions = partitions;
  }

  /**
   * Starts a chaos agent for this platform: its faults, and a steady load placed through the
   * gateway at {@code gatewayUrl} as {@code customer-2} (so the other demo customer's orders stay
   * its own), checked as the operator. Tell the gateway {@link ChaosAgent#gatewaySettings()}.
   */
  public static ChaosAgent startAgent(
      PlatformLauncher launcher,
      String gatewayUrl,
      String kafkaBootstrap,
      @Nullable KafkaCluster kafka,
      @Nullable PatroniCluster patroni,
      boolean partitions) {
    HttpJson customer =
        new HttpJson(gatewayUrl).withBearer(launcher.tokens().of(Identities.CUSTOMER_2));
    HttpJson operator =
        new HttpJson(gatewayUrl).withBearer(launcher.tokens().of(Identities.OPERATOR));
    // the actions on this platform: its instances once started; the brokers when kafka is the
    // platform's own; the primary when patroni runs its databases (cut off when it was started
    // with partitions); inventory-service's database once the services were started on it
    PlatformFaults faults =
        new PlatformFaults(
            launcher,
            new PlatformClient(gatewayUrl, launcher.tokens(), Identities.CUSTOMER_2),
            kafkaBootstrap,
            kafka,
            patroni,
            partitions);
    ChaosAgent agent =
        ChaosAgent.start(faults.actions(), new SteadyLoad(customer, operator, Clock.systemUTC()));
    faults.agent = agent;
    return agent;
  }

  /**
   * The fault has taken hold (the signal sent, the packets dropping): its outage counts from now,
   * not from the request, so an order answered while the command that causes it was still starting
   * is not taken for one that got through the fault.
   */
  private void tookHold() {
    ChaosAgent told = agent;
    if (told != null) {
      told.faultTookHold();
    }
  }

  private List<ChaosAction> actions() {
    List<String> names = launcher.serviceInstanceNames();
    String first = names.isEmpty() ? "" : names.get(0);
    ChaosAction.Param instance = new ChaosAction.Param("instance", "Instance", names, first);
    ChaosAction.Param seconds = new ChaosAction.Param("seconds", "For (seconds)", SECONDS, "10");
    return List.of(
        new ChaosAction(
            "kill-primary",
            "Kill the primary",
            "kill -9 the primary PostgreSQL server and its Patroni agent at once, as a machine"
                + " failure would; Patroni promotes the synchronous standby",
            List.of(),
            () -> patroni == null ? "the databases are one server, not a Patroni pair" : null,
            choices -> killPrimary()),
        new ChaosAction(
            "partition-primary",
            "Cut the primary off the network",
            "drop every packet to and from the primary's host (nothing is refused or closed), then"
                + " heal",
            List.of(seconds),
            () ->
                patroni == null
                    ? "the databases are one server, not a Patroni pair"
                    : partitions ? null : "this machine cannot drop packets (needs root and ip)",
            choices -> partitionPrimary(Integer.parseInt(chosen(choices, "seconds")))),
        new ChaosAction(
            "freeze-instance",
            "Freeze an instance",
            "SIGSTOP a service instance: it keeps its sockets and answers nothing, then SIGCONT",
            List.of(instance, seconds),
            () -> names.isEmpty() ? "no instances" : null,
            choices ->
                freeze(chosen(choices, "instance"), Integer.parseInt(chosen(choices, "seconds")))),
        new ChaosAction(
            "kill-instance",
            "Kill an instance",
            "kill -9 a service instance; 5 s later it is started again, as a supervisor would",
            List.of(instance),
            () -> names.isEmpty() ? "no instances" : null,
            choices -> kill(chosen(choices, "instance"))),
        new ChaosAction(
            "stop-kafka",
            "Stop Kafka",
            "stop every broker for a while, then start them again; the outboxes hold the events",
            List.of(seconds),
            () -> kafka == null ? "the brokers are not this run's own" : null,
            choices -> stopKafka(Integer.parseInt(chosen(choices, "seconds")))),
        new ChaosAction(
            "poison",
            "Send a poisoned record",
            "a record that is no event, to " + INVENTORY_EVENTS + ": order-service dead-letters it",
            List.of(),
            () -> null,
            choices -> poison()),
        new ChaosAction(
            "fail-reservation",
            "Make inventory fail an order",
            "place an order for "
                + FAILING_SKU
                + " whose reservation inventory-service cannot write for a while (a trigger in"
                + " its database raises an error): its OrderPlaced fails every retry and is"
                + " dead-lettered; redrive it from the recovery page afterwards and the saga"
                + " concludes",
            List.of(
                new ChaosAction.Param("seconds", "For (seconds)", List.of("10", "20", "30"), "10")),
            () -> launcher.databases().isEmpty() ? "the services have no databases yet" : null,
            choices -> failReservation(Integer.parseInt(chosen(choices, "seconds")))),
        new ChaosAction(
            "duplicates",
            "Deliver events again",
            "send the latest events of "
                + ORDER_EVENTS
                + " once more, unchanged: the consumer's"
                + " inbox drops each, nothing is applied twice",
            List.of(new ChaosAction.Param("count", "Events", List.of("10", "100", "1000"), "100")),
            () -> null,
            choices -> duplicates(Integer.parseInt(chosen(choices, "count")))));
  }

  private synchronized List<Instance> instances() {
    if (instances.isEmpty()) {
      launcher.inventoryInstances().forEach(i -> instances.put(i.name(), i));
      launcher.orderInstances().forEach(i -> instances.put(i.name(), i));
    }
    return List.copyOf(instances.values());
  }

  private synchronized Instance instance(String name) {
    instances();
    Instance found = instances.get(name);
    if (found == null) {
      throw new IllegalArgumentException("no instance " + name);
    }
    return found;
  }

  private String killPrimary() {
    PatroniCluster cluster = Objects.requireNonNull(patroni);
    PatroniCluster.Node primary = cluster.awaitPrimary(Duration.ofSeconds(30));
    int timeline = primary.timeline();
    long start = System.nanoTime();
    primary.crash();
    tookHold();
    PatroniCluster.Node promoted =
        Await.untilPresent(
                () ->
                    cluster.nodes().stream().filter(n -> n != primary && n.isPrimary()).findFirst())
            .every(Duration.ofMillis(100))
            .within(Duration.ofSeconds(60), () -> "no node promoted within 60 s");
    long took = Duration.ofNanos(System.nanoTime() - start).toMillis();
    // the promotion ends on a new timeline, which the node reports a moment after it leads
    Await.until(() -> promoted.timeline() > timeline)
        .every(Duration.ofMillis(100))
        .within(Duration.ofSeconds(30));
    return "killed "
        + primary.name()
        + " (primary, timeline "
        + timeline
        + "); "
        + promoted.name()
        + " promoted in "
        + took
        + " ms, timeline "
        + promoted.timeline();
  }

  private String partitionPrimary(int seconds) {
    PatroniCluster cluster = Objects.requireNonNull(patroni);
    PatroniCluster.Node primary = cluster.awaitPrimary(Duration.ofSeconds(30));
    primary.cutOff();
    tookHold();
    try {
      sleep(Duration.ofSeconds(seconds));
    } finally {
      primary.reconnect();
    }
    String now = cluster.primary().map(PatroniCluster.Node::name).orElse("none yet");
    return "cut " + primary.name() + " off for " + seconds + " s; the primary now: " + now;
  }

  private String freeze(String name, int seconds) {
    Instance instance = instance(name);
    instance.stall();
    tookHold();
    try {
      sleep(Duration.ofSeconds(seconds));
    } finally {
      instance.resume();
    }
    return "froze " + name + " for " + seconds + " s; it runs again";
  }

  private String kill(String name) {
    Instance instance = instance(name);
    Commands.run(List.of("kill", "-KILL", String.valueOf(instance.process().pid())), 10);
    tookHold();
    sleep(Duration.ofSeconds(5));
    long start = System.nanoTime();
    Instance again = launcher.restart(instance, instance.port(), STARTUP);
    synchronized (this) {
      instances.put(name, again);
    }
    long took = Duration.ofNanos(System.nanoTime() - start).toMillis();
    return "killed " + name + "; started again after 5 s, healthy " + took + " ms later";
  }

  private String stopKafka(int seconds) {
    KafkaCluster cluster = Objects.requireNonNull(kafka);
    cluster.nodes().forEach(KafkaCluster.Node::stop);
    tookHold();
    try {
      sleep(Duration.ofSeconds(seconds));
    } finally {
      cluster.restartStopped();
    }
    return "stopped " + cluster.nodes().size() + " broker(s) for " + seconds + " s; running again";
  }

  private String poison() {
    String key = "chaos-" + UUID.randomUUID();
    try (KafkaProducer<String, byte[]> producer = producer()) {
      producer
          .send(
              new ProducerRecord<>(
                  INVENTORY_EVENTS,
                  key,
                  ("{\"broken\": \"" + key + "\"}").getBytes(StandardCharsets.UTF_8)))
          .get();
    } catch (Exception e) {
      throw new IllegalStateException("the record was not sent: " + e.getMessage(), e);
    }
    return "sent a record that is no event to " + INVENTORY_EVENTS + ", key " + key;
  }

  /**
   * An order whose {@code OrderPlaced} inventory-service fails on every attempt for {@code seconds}
   * (and at least until it has dead-lettered it): a trigger on its reservation lines raises an
   * error for {@link #FAILING_SKU} until a time written into it, so the fault ends by itself even
   * if this process dies; the trigger is dropped when the action ends.
   */
  private String failReservation(int seconds) {
    String database =
        launcher
            .databases()
            .orElseThrow(() -> new IllegalStateException("the services have no databases yet"))
            .inventory();
    client.setStock(FAILING_SKU, 1_000_000);
    long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
    try (Connection inventory = DriverManager.getConnection(database, "postgres", "")) {
      refuseReservations(inventory, seconds);
      try {
        String id = placeOrder(FAILING_SKU);
        String letter =
            Await.untilPresent(() -> deadLetter(inventory, id))
                .every(Duration.ofMillis(200))
                .within(
                    Duration.ofSeconds(seconds + 60L),
                    () -> "inventory-service did not dead-letter order " + id + "'s OrderPlaced");
        long left = end - System.nanoTime();
        if (left > 0) {
          sleep(Duration.ofNanos(left));
        }
        return "order "
            + id
            + " ("
            + FAILING_SKU
            + "): inventory-service "
            + letter
            + "; it takes reservations again: redrive the dead letter from the recovery page and"
            + " the saga concludes (confirmed within the saga's deadline, 60 s by default)";
      } finally {
        allowReservations(inventory);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("inventory-service's database: " + e.getMessage(), e);
    }
  }

  /** The trigger that fails reservations of the SKU until {@code seconds} from now. */
  private static void refuseReservations(Connection inventory, int seconds) throws SQLException {
    String until;
    try (PreparedStatement select =
        inventory.prepareStatement("SELECT (clock_timestamp() + make_interval(secs => ?))::text")) {
      select.setInt(1, seconds);
      try (ResultSet row = select.executeQuery()) {
        row.next();
        until = row.getString(1);
      }
    }
    try (Statement ddl = inventory.createStatement()) {
      ddl.execute(
          "CREATE OR REPLACE FUNCTION public."
              + REFUSAL
              + "() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
              + " IF NEW.sku = '"
              + FAILING_SKU
              + "' AND clock_timestamp() < TIMESTAMPTZ '"
              + until
              + "' THEN RAISE EXCEPTION 'reservations of % refused until % (a fault injected on"
              + " purpose)', NEW.sku, TIMESTAMPTZ '"
              + until
              + "'; END IF; RETURN NEW; END $$");
      ddl.execute(
          "CREATE OR REPLACE TRIGGER "
              + REFUSAL
              + " BEFORE INSERT ON public.reservation_line FOR EACH ROW EXECUTE FUNCTION public."
              + REFUSAL
              + "()");
    }
  }

  private static void allowReservations(Connection inventory) throws SQLException {
    try (Statement ddl = inventory.createStatement()) {
      ddl.execute("DROP TRIGGER IF EXISTS " + REFUSAL + " ON public.reservation_line");
      ddl.execute("DROP FUNCTION IF EXISTS public." + REFUSAL + "()");
    }
  }

  /** One order for {@code sku}, sent with its key until acknowledged: its id. */
  private String placeOrder(String sku) {
    String key = UUID.randomUUID().toString();
    HttpJson.Response placed =
        Await.untilPresent(
                () -> {
                  try {
                    HttpJson.Response response = client.placeOrder(OrderRequest.of(sku, 1), key);
                    return response.status() == 201 || response.status() == 200
                        ? Optional.of(response)
                        : Optional.empty();
                  } catch (RuntimeException unanswered) {
                    return Optional.empty();
                  }
                })
            .every(Duration.ofMillis(500))
            .within(Duration.ofSeconds(30), () -> "the order was not acknowledged within 30 s");
    return PlatformClient.orderIdOf(placed);
  }

  /** What inventory-service's dead letter of the order's event says, once it has one. */
  private static Optional<String> deadLetter(Connection inventory, String orderId) {
    try (PreparedStatement select =
        inventory.prepareStatement(
            "SELECT id, event_type, attempts, exception_message FROM bulwark.dead_letter"
                + " WHERE message_key = ? AND original_topic = ?")) {
      select.setString(1, orderId);
      select.setString(2, ORDER_EVENTS);
      try (ResultSet row = select.executeQuery()) {
        return row.next()
            ? Optional.of(
                "failed its "
                    + row.getString(2)
                    + " "
                    + row.getInt(3)
                    + " times and dead-lettered it (dead letter "
                    + row.getLong(1)
                    + ": "
                    + String.valueOf(row.getString(4)).lines().findFirst().orElse("")
                    + ")")
            : Optional.empty();
      }
    } catch (SQLException e) {
      throw new IllegalStateException("inventory-service's dead letters: " + e.getMessage(), e);
    }
  }

  /**
   * The latest {@code count} records of the topic, over its partitions, sent again as they were.
   */
  private String duplicates(int count) {
    List<ConsumerRecord<String, byte[]>> latest = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer = consumer()) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (PartitionInfo info : consumer.partitionsFor(ORDER_EVENTS, Duration.ofSeconds(10))) {
        partitions.add(new TopicPartition(ORDER_EVENTS, info.partition()));
      }
      consumer.assign(partitions);
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofSeconds(10));
      long each = Math.max(1, count / partitions.size());
      ends.forEach((partition, end) -> consumer.seek(partition, Math.max(0, end - each)));
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (latest.size() < count && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(500)).forEach(latest::add);
        boolean done = true;
        for (TopicPartition partition : partitions) {
          done &= consumer.position(partition) >= ends.getOrDefault(partition, 0L);
        }
        if (done) {
          break;
        }
      }
    }
    try (KafkaProducer<String, byte[]> producer = producer()) {
      for (ConsumerRecord<String, byte[]> record : latest) {
        producer.send(
            new ProducerRecord<>(
                ORDER_EVENTS, null, record.key(), record.value(), record.headers()));
      }
      producer.flush();
    }
    return "delivered "
        + latest.size()
        + " events of "
        + ORDER_EVENTS
        + " again; inventory-service's inbox drops each";
  }

  private KafkaProducer<String, byte[]> producer() {
    return new KafkaProducer<>(
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            kafkaBootstrap,
            ProducerConfig.ACKS_CONFIG,
            "all",
            ProducerConfig.MAX_BLOCK_MS_CONFIG,
            10_000),
        new StringSerializer(),
        new ByteArraySerializer());
  }

  private KafkaConsumer<String, byte[]> consumer() {
    return new KafkaConsumer<>(
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            kafkaBootstrap,
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
            false,
            ConsumerConfig.ISOLATION_LEVEL_CONFIG,
            "read_committed"),
        new StringDeserializer(),
        new ByteArrayDeserializer());
  }

  /** A choice the agent checked against the action's parameters (so it is there). */
  private static String chosen(Map<String, String> choices, String name) {
    String chosen = choices.get(name);
    if (chosen == null) {
      throw new IllegalArgumentException("no " + name + " chosen");
    }
    return chosen;
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
