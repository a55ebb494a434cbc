package io.bulwark.reliability.operations;

import static org.assertj.core.api.Assertions.assertThat;

import io.bulwark.reliability.KitFixture;
import io.bulwark.reliability.idempotency.IdempotencyKeyStore;
import io.bulwark.reliability.idempotency.PostgresIdempotencyKeyStore;
import io.bulwark.reliability.idempotency.StoredResponse;
import io.bulwark.reliability.inbox.PostgresInbox;
import io.bulwark.reliability.outbox.OutboxEvent;
import io.bulwark.reliability.outbox.OutboxMessage;
import io.bulwark.reliability.outbox.PostgresOutbox;
import io.bulwark.reliability.outbox.PostgresOutboxStore;
import java.sql.Connection;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.TransactionAwareDataSourceProxy;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * An aggregate's trail through the kit's tables on a real PostgreSQL: each step names the instance
 * whose connection took it (its {@code application_name}), with no word from the code that wrote
 * the row.
 */
class MessageTrailIntegrationTests {

  private final KitFixture kit = new KitFixture(1);

  @Test
  void anEventsTrailNamesTheInstancesThatAppendedPublishedAndProcessedIt() throws Exception {
    DataSource placing = as("order-service-1");
    DataSource relaying = as("order-service-2");
    DataSource consuming = as("order-service-3");
    new TransactionTemplate(new DataSourceTransactionManager(placing))
        .executeWithoutResult(
            status ->
                new PostgresOutbox(
                        new TransactionAwareDataSourceProxy(placing),
                        kit.codec,
                        1,
                        Clock.systemUTC())
                    .append(
                        new OutboxEvent(
                            "things", "Thing", "thing-7", "ThingHappened", 1, Map.of("n", 7))));
    PostgresOutboxStore store = new PostgresOutboxStore();
    try (Connection connection = relaying.getConnection()) {
      List<OutboxMessage> unpublished = store.fetchUnpublished(connection, 0, 10);
      store.markPublished(connection, unpublished);
    }
    MessageTrail trail = new MessageTrail(kit.dataSource);
    MessageTrail.Appended appended = trail.appended("thing-7").get(0);
    new TransactionTemplate(new DataSourceTransactionManager(consuming))
        .executeWithoutResult(
            status ->
                new PostgresInbox(new TransactionAwareDataSourceProxy(consuming))
                    .firstDelivery("other-service", appended.eventId()));

    assertThat(appended.eventType()).isEqualTo("ThingHappened");
    assertThat(appended.appendedBy()).isEqualTo("order-service-1");
    assertThat(appended.publishedBy()).isEqualTo("order-service-2");
    assertThat(appended.publishedAt()).isAfterOrEqualTo(appended.appendedAt());
    assertThat(trail.appended("thing-8")).as("another key's trail").isEmpty();
    assertThat(trail.consumed(List.of(appended.eventId(), UUID.randomUUID())))
        .singleElement()
        .satisfies(
            consumed -> {
              assertThat(consumed.consumer()).isEqualTo("other-service");
              assertThat(consumed.messageId()).isEqualTo(appended.eventId());
              assertThat(consumed.processedBy()).isEqualTo("order-service-3");
            });
  }

  /** Each consumer of the inbox is visited, so a message is found whichever consumer took it. */
  @Test
  void aProcessedMessageIsFoundAmongSeveralConsumers() {
    UUID first = UUID.randomUUID();
    UUID second = UUID.randomUUID();
    PostgresInbox inbox = new PostgresInbox(new TransactionAwareDataSourceProxy(kit.dataSource));
    kit.transactions.executeWithoutResult(
        status -> {
          inbox.firstDelivery("alpha", UUID.randomUUID());
          inbox.firstDelivery("beta", first);
          inbox.firstDelivery("gamma", second);
        });

    assertThat(new MessageTrail(kit.dataSource).consumed(List.of(first, second)))
        .extracting(MessageTrail.Consumed::consumer)
        .containsExactlyInAnyOrder("beta", "gamma");
    assertThat(new MessageTrail(kit.dataSource).consumed(List.of())).isEmpty();
  }

  @Test
  void theKeyWhoseFirstRequestCreatedAResourceIsFoundByTheResourcesAddress() {
    PostgresIdempotencyKeyStore keys =
        new PostgresIdempotencyKeyStore(new TransactionAwareDataSourceProxy(kit.dataSource));
    Instant expires = Instant.now().plusSeconds(3600);
    kit.transactions.executeWithoutResult(
        status -> {
          keys.save("principal:customer-1", "key-1", created("/api/things/1", expires));
          keys.save("principal:customer-1", "key-2", created("/api/things/2", expires));
        });

    List<MessageTrail.Key> found = new MessageTrail(kit.dataSource).keysFor("/api/things/1");

    assertThat(found)
        .singleElement()
        .satisfies(
            key -> {
              assertThat(key.key()).isEqualTo("key-1");
              assertThat(key.scope()).isEqualTo("principal:customer-1");
              assertThat(key.status()).isEqualTo(201);
              assertThat(key.expiresAt()).isAfter(key.createdAt());
            });
    assertThat(new MessageTrail(kit.dataSource).keysFor("/api/things/3")).isEmpty();
  }

  @Test
  void aTraceIdIsReadFromItsTraceparent() {
    assertThat(MessageTrail.traceId("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"))
        .isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    assertThat(MessageTrail.traceId("garbage")).isNull();
    assertThat(MessageTrail.traceId(null)).isNull();
  }

  private static IdempotencyKeyStore.Record created(String location, Instant expires) {
    return new IdempotencyKeyStore.Record(
        new byte[] {1},
        new StoredResponse(201, Map.of("Location", location), new byte[] {2}),
        expires);
  }

  /** The fixture's database, its connections named as an instance would name them. */
  private DataSource as(String instance) {
    PGSimpleDataSource named = new PGSimpleDataSource();
    named.setUrl(kit.url);
    named.setUser("postgres");
    named.setApplicationName(instance);
    return named;
  }
}
