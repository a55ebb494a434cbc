package io.bulwark.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.bulwark.harness.postgres.PostgresServer;
import io.bulwark.reliability.autoconfigure.OutboxProperties;
import io.bulwark.reliability.outbox.KafkaEventPublisher;
import io.bulwark.reliability.outbox.OutboxRelay;
import io.bulwark.reliability.outbox.OutboxWakeup;
import io.bulwark.reliability.outbox.PostgresOutboxStore;
import io.bulwark.reliability.schema.ReliabilitySchema;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.StandardEnvironment;

/**
 * The relay alone: an outbox filled beforehand with events shaped like the platform's, drained by
 * the kit's relay with the services' default settings onto the local run's Kafka. Gives events per
 * second from the first claim to the empty outbox.
 */
final class RelayDrain {

  static final String TOPIC = "bulwark.bench.relay";

  private final String primaryUrl;
  private final String kafka;

  RelayDrain(String primaryUrl, String kafka) {
    this.primaryUrl = primaryUrl;
    this.kafka = kafka;
  }

  /** Onto the local run whose primary listens on {@code primaryPort}, and its first broker. */
  static RelayDrain onLocalRun(int primaryPort) {
    return new RelayDrain(
        "jdbc:postgresql://127.0.0.1:" + primaryPort, LocalRun.TOPOLOGY.kafkaBootstrap(1));
  }

  double eventsPerSecond(int events) throws Exception {
    String database = "relaybench";
    PostgresServer.createDatabase(primaryUrl + "/postgres", database);
    try (Admin broker = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka))) {
      if (!broker.listTopics().names().get().contains(TOPIC)) {
        broker.createTopics(List.of(new NewTopic(TOPIC, 3, (short) 1))).all().get();
      }
    }
    OutboxProperties defaults =
        Binder.get(new StandardEnvironment())
            .bindOrCreate("bulwark.outbox", OutboxProperties.class);
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(primaryUrl + "/" + database);
    config.setUsername("postgres");
    config.setMaximumPoolSize(4);
    try (HikariDataSource dataSource = new HikariDataSource(config)) {
      ReliabilitySchema.migrate(dataSource);
      try (Connection connection = dataSource.getConnection();
          Statement sql = connection.createStatement()) {
        sql.execute("TRUNCATE bulwark.outbox"); // each repetition drains an outbox of its own
      }
      fill(dataSource, events, defaults.shards());
      KafkaEventPublisher publisher =
          KafkaEventPublisher.create(
              Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka),
              defaults.relay().publishTimeout());
      try (OutboxRelay relay =
          new OutboxRelay(
              dataSource,
              new PostgresOutboxStore(),
              publisher,
              OutboxWakeup.polling(),
              defaults.relaySettings(),
              Clock.systemUTC())) {
        long started = System.nanoTime();
        int published = 0;
        while (published < events) {
          int sent = relay.drainOnce();
          if (sent == 0) {
            throw new IllegalStateException("relay stopped at " + published + " of " + events);
          }
          published += sent;
        }
        return events / ((System.nanoTime() - started) / 1e9);
      } finally {
        publisher.close();
      }
    }
  }

  /** Events of the size and shape of an OrderPlaced, on 1,000 aggregates over every shard. */
  private static void fill(HikariDataSource dataSource, int events, int shards)
      throws SQLException {
    try (Connection connection = dataSource.getConnection();
        Statement sql = connection.createStatement()) {
      sql.execute(
          """
          INSERT INTO bulwark.outbox
              (event_id, topic, message_key, event_type, shard, message, created_at)
          SELECT gen_random_uuid(), '%s', 'order-' || (g %% 1000), 'OrderPlaced', g %% %d,
                 jsonb_build_object(
                     'eventId', gen_random_uuid(), 'type', 'OrderPlaced', 'schemaVersion', 1,
                     'aggregateType', 'Order', 'aggregateId', 'order-' || (g %% 1000),
                     'occurredAt', now(),
                     'payload', jsonb_build_object(
                         'orderId', gen_random_uuid(), 'customerId', 'bench',
                         'items', jsonb_build_array(
                             jsonb_build_object('sku', 'BENCH-' || (g %% 10), 'quantity', 1)))),
                 now()
          FROM generate_series(1, %d) AS g
          """
              .formatted(TOPIC, shards, events));
    }
  }
}
