package io.bulwark.reliability.outbox;

import io.bulwark.reliability.correlation.CorrelationId;
import io.bulwark.reliability.tracing.EventTracing;
import io.bulwark.reliability.tracing.TraceHeaders;
import io.bulwark.reliability.tracing.TracedEvent;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes with Kafka's idempotent producer and {@code acks=all}: a retried send inside the
 * producer is never written twice, and a batch counts as published only once every replica in sync
 * has it. The aggregate id is the record key, so one aggregate's events share a partition.
 */
public final class KafkaEventPublisher implements EventPublisher {

  public static final String EVENT_ID_HEADER = "bulwark-event-id";
  public static final String EVENT_TYPE_HEADER = "bulwark-event-type";

  private final Producer<String, byte[]> producer;
  private final Duration timeout;
  private final EventTracing tracing;
  private final Clock clock;

  public KafkaEventPublisher(
      Producer<String, byte[]> producer, Duration timeout, EventTracing tracing, Clock clock) {
    this.producer = producer;
    this.timeout = timeout;
    this.tracing = tracing;
    this.clock = clock;
  }

  /** A producer with the settings the relay relies on, on top of the given ones; untraced. */
  public static KafkaEventPublisher create(Map<String, Object> baseSettings, Duration timeout) {
    return create(baseSettings, timeout, EventTracing.NONE, Clock.systemUTC());
  }

  /**
   * The same, each publish a span continuing the trace stored with its event, and the record
   * carrying the publish's context on to its consumers.
   */
  public static KafkaEventPublisher create(
      Map<String, Object> baseSettings, Duration timeout, EventTracing tracing, Clock clock) {
    Map<String, Object> settings = new HashMap<>(baseSettings);
    settings.put(ProducerConfig.ACKS_CONFIG, "all");
    settings.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    settings.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
    settings.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 1);
    settings.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "bulwark-outbox-relay");
    settings.putIfAbsent(
        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Math.max(timeout.toMillis(), 5_000));
    settings.putIfAbsent(
        ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(timeout.toMillis(), 5_000));
    settings.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeout.toMillis());
    return new KafkaEventPublisher(
        new KafkaProducer<>(settings, new StringSerializer(), new ByteArraySerializer()),
        timeout,
        tracing,
        clock);
  }

  @Override
  public void publish(List<OutboxMessage> batch) {
    List<Future<RecordMetadata>> sends = new ArrayList<>(batch.size());
    List<EventTracing.Step> spans = new ArrayList<>(batch.size());
    int acknowledged = 0;
    Instant now = clock.instant();
    try {
      for (OutboxMessage message : batch) {
        EventTracing.Step span =
            tracing.publishing(
                new TracedEvent(
                    message.topic(), message.type(), message.eventId().toString(), message.key()),
                message.traceContext(),
                Duration.between(message.createdAt(), now));
        spans.add(span);
        RecordHeaders headers = new RecordHeaders();
        headers.add(EVENT_ID_HEADER, message.eventId().toString().getBytes(StandardCharsets.UTF_8));
        headers.add(EVENT_TYPE_HEADER, message.type().getBytes(StandardCharsets.UTF_8));
        if (message.correlationId() != null) {
          headers.add(
              CorrelationId.KAFKA_HEADER, message.correlationId().getBytes(StandardCharsets.UTF_8));
        }
        TraceHeaders.put(headers, span.context());
        sends.add(
            producer.send(
                new ProducerRecord<>(
                    message.topic(), null, message.key(), message.message(), headers)));
      }
      long deadline = System.nanoTime() + timeout.toNanos();
      for (Future<RecordMetadata> send : sends) {
        send.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        spans.get(acknowledged).close();
        acknowledged++;
      }
    } catch (ExecutionException e) {
      OutboxMessage refused = batch.get(acknowledged);
      PublishException failure =
          new PublishException(
              "event "
                  + refused.eventId()
                  + " ("
                  + refused.type()
                  + " to "
                  + refused.topic()
                  + ") refused, in a batch of "
                  + batch.size(),
              e.getCause());
      endUnacknowledged(spans, acknowledged, failure);
      throw failure;
    } catch (TimeoutException | RuntimeException e) {
      PublishException failure =
          new PublishException("batch of " + batch.size() + " not acknowledged", e);
      endUnacknowledged(spans, acknowledged, failure);
      throw failure;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      PublishException failure = new PublishException("interrupted while publishing", e);
      endUnacknowledged(spans, acknowledged, failure);
      throw failure;
    }
  }

  /** The spans of the sends not acknowledged end as failed: the relay publishes them again. */
  private static void endUnacknowledged(
      List<EventTracing.Step> spans, int acknowledged, Throwable failure) {
    for (EventTracing.Step span : spans.subList(acknowledged, spans.size())) {
      span.failed(failure);
      span.close();
    }
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
  }
}
