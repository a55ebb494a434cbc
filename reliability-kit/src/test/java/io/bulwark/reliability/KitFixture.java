package io.bulwark.reliability;

import io.bulwark.fixtures.kafka.TestKafka;
import io.bulwark.fixtures.postgres.TestPostgres;
import io.bulwark.reliability.autoconfigure.SpringTransactions;
import io.bulwark.reliability.event.EventCodec;
import io.bulwark.reliability.outbox.KafkaEventPublisher;
import io.bulwark.reliability.outbox.Outbox;
import io.bulwark.reliability.outbox.OutboxEvent;
import io.bulwark.reliability.outbox.PostgresOutbox;
import io.bulwark.reliability.outbox.RelaySettings;
import io.bulwark.reliability.schema.ReliabilitySchema;
import io.bulwark.reliability.transaction.Transactions;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.postgresql.ds.PGSimpleDataSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.TransactionAwareDataSourceProxy;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A fresh database with the kit's schema and an effects table, on the test PostgreSQL server, plus
 * the pieces the kit's tests build from it.
 */
public final class KitFixture {

  public final DataSource dataSource;
  public final String url;
  public final JdbcClient jdbc;
  public final EventCodec codec = new EventCodec();
  public final TransactionTemplate transactions;
  public final Outbox outbox;

  public KitFixture(int shards) {
    PGSimpleDataSource plain = new PGSimpleDataSource();
    this.url = TestPostgres.newDatabase("kit");
    plain.setUrl(url);
    plain.setUser("postgres");
    this.dataSource = plain;
    ReliabilitySchema.migrate(plain);
    this.jdbc = JdbcClient.create(plain);
    jdbc.sql(
            "CREATE TABLE effects (event_id uuid PRIMARY KEY, aggregate text NOT NULL,"
                + " seq integer NOT NULL)")
        .update();
    this.transactions = new TransactionTemplate(new DataSourceTransactionManager(plain));
    this.outbox =
        new PostgresOutbox(
            new TransactionAwareDataSourceProxy(plain), codec, shards, Clock.systemUTC());
  }

  public Transactions transactionPort() {
    return new SpringTransactions(new DataSourceTransactionManager(dataSource));
  }

  public void append(String topic, String aggregate, int seq) {
    transactions.executeWithoutResult(status -> outbox.append(thing(topic, aggregate, seq)));
  }

  /** The event the kit's tests append: {@code ThingHappened} at a position in its aggregate. */
  public static OutboxEvent thing(String topic, String aggregate, int seq) {
    return new OutboxEvent(topic, "Thing", aggregate, "ThingHappened", 1, new Thing(seq));
  }

  public long unpublished() {
    return jdbc.sql("SELECT count(*) FROM bulwark.outbox WHERE published_at IS NULL")
        .query(Long.class)
        .single();
  }

  public long effects() {
    return jdbc.sql("SELECT count(*) FROM effects").query(Long.class).single();
  }

  public static KafkaEventPublisher publisher() {
    return KafkaEventPublisher.create(
        Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers()),
        Duration.ofSeconds(10));
  }

  public static RelaySettings settings(int shards, int batchSize, Duration pollInterval) {
    return new RelaySettings(
        shards,
        batchSize,
        pollInterval,
        Duration.ofHours(1),
        Duration.ofMinutes(1),
        5_000,
        Duration.ofMillis(50),
        Duration.ofSeconds(1),
        Duration.ofSeconds(12));
  }

  /** The payload the kit's tests publish: a position in its aggregate's sequence. */
  public record Thing(int seq) {}
}
