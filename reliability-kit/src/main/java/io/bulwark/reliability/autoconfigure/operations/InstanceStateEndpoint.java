package io.bulwark.reliability.autoconfigure.operations;

import io.bulwark.reliability.deadletter.DeadLetter;
import io.bulwark.reliability.deadletter.DeadLetters;
import io.bulwark.reliability.operations.DatabaseNodes;
import io.bulwark.reliability.operations.KafkaLag;
import io.bulwark.reliability.operations.ReliabilityTables;
import io.bulwark.reliability.outbox.FailingShard;
import io.bulwark.reliability.outbox.OutboxRelay;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * {@code /actuator/bulwark} on the management port: what the platform's console shows of this
 * instance and its service, read fresh on each call. The outbox's backlog per shard and its oldest
 * event's age, the shards this instance's relay sees failing, the dead letters per topic, the
 * database server with its standbys, and the Kafka brokers with the service's consumer lag. Like
 * the health and Prometheus endpoints beside it, it is on the management port only, which the
 * gateway never routes; each part that cannot be read is reported with the reason, never as a
 * failure of the whole.
 */
@Endpoint(id = "bulwark")
class InstanceStateEndpoint {

  /** One shard's backlog, its oldest event's age in seconds. */
  record Shard(int shard, long unpublished, @Nullable Double oldestAgeSeconds) {}

  /** A part of the state, or why it could not be read. */
  record Part<T>(@Nullable T value, @Nullable String unavailable) {

    static <T> Part<T> of(Supplier<T> read) {
      try {
        return new Part<>(read.get(), null);
      } catch (RuntimeException e) {
        return new Part<>(null, e.getMessage() == null ? e.toString() : e.getMessage());
      }
    }
  }

  record InstanceState(
      String service,
      Instant at,
      Part<List<Shard>> outbox,
      List<FailingShard> failingShards,
      Part<Map<String, Map<DeadLetter.Status, Long>>> deadLetters,
      Part<DatabaseNodes.View> database,
      KafkaLag.@Nullable View kafka) {}

  private final String service;
  private final ReliabilityTables tables;
  private final DeadLetters letters;
  private final DatabaseNodes database;
  private final ObjectProvider<OutboxRelay> relay;
  private final @Nullable KafkaLag kafka;
  private final Clock clock;

  InstanceStateEndpoint(
      String service,
      ReliabilityTables tables,
      DeadLetters letters,
      DatabaseNodes database,
      ObjectProvider<OutboxRelay> relay,
      @Nullable KafkaLag kafka,
      Clock clock) {
    this.service = service;
    this.tables = tables;
    this.letters = letters;
    this.database = database;
    this.relay = relay;
    this.kafka = kafka;
    this.clock = clock;
  }

  @ReadOperation
  InstanceState state() {
    Instant now = clock.instant();
    OutboxRelay local = relay.getIfAvailable();
    return new InstanceState(
        service,
        now,
        Part.of(
            () ->
                tables.outbox().backlog().stream()
                    .map(
                        shard ->
                            new Shard(
                                shard.shard(),
                                shard.unpublished(),
                                shard.oldestCreatedAt() == null
                                    ? null
                                    : Duration.between(shard.oldestCreatedAt(), now).toMillis()
                                        / 1000.0))
                    .toList()),
        local == null ? List.of() : local.failingShards(),
        Part.of(letters::countsByTopic),
        Part.of(database::read),
        kafka == null ? null : kafka.read());
  }
}
