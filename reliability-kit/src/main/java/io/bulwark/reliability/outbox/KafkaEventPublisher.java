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
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jspecify.annotations.Nullable;

/**
 * Publishes with Kafka's idempotent producer and {@code acks=all}: a retried send inside the
 * producer is never written twice, and a batch counts as published only once every replica in sync
 * has it. The aggregate id is the record key, so one aggregate's events share a partition.
 *
 * <p>An aggregate's events must never reach the broker out of order, even when a send fails. The
 * producer itself gives no send up (no delivery timeout: it retries until it is acknowledged or
 * refused for good), so it never drops a record while sending the ones after it; the batch stops at
 * the first send that fails at once (a record too large, a topic whose metadata did not come in
 * time) instead of going on with the later ones; and when the batch fails while sends are still
 * pending, the producer is closed at once, dropping them all together, and the next batch gets a
 * fresh one. What reaches the broker of one attempt is then a prefix, per partition, of what it
 * sent in order; the attempt after it starts again from the oldest unpublished message. One case is
 * left: a record the broker refuses for good after it has left (larger than the topic allows, say)
 * fails alone, and sends behind it in its partition may still land. Such an event is never
 * published, and its shard stays failing until an operator acts.
 */
public final class KafkaEventPublisher implements EventPublisher {

  public static final String EVENT_ID_HEADER = "bulwark-event-id";
  public static final String EVENT_TYPE_HEADER = "bulwark-event-type";

  private final Supplier<Producer<String, byte[]>> producers;
  private final Duration timeout;
  private final EventTracing tracing;
  private final Clock clock;
  private @Nullable Producer<String, byte[]> producer;

  /**
   * @param producers makes a producer, on first use and after a failure left sends pending
   * @param timeout how long a batch may take, its sends and their acknowledgements together
   */
  public KafkaEventPublisher(
      Supplier<Producer<String, byte[]>> producers,
      Duration timeout,
      EventTracing tracing,
      Clock clock) {
    this.producers = producers;
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
    // a record the producer gave up on by itself would let the records after it in its partition
    // through: the publisher decides when a batch has failed, never the producer
    settings.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Integer.MAX_VALUE);
    settings.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 1);
    settings.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "bulwark-outbox-relay");
    settings.putIfAbsent(
        ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(timeout.toMillis(), 5_000));
    settings.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeout.toMillis());
    return new KafkaEventPublisher(
        () -> new KafkaProducer<>(settings, new StringSerializer(), new ByteArraySerializer()),
        timeout,
        tracing,
        clock);
  }

  @Override
  public void publish(List<OutboxMessage> batch) {
    Producer<String, byte[]> sending = producer();
    List<Future<RecordMetadata>> sends = new ArrayList<>(batch.size());
    List<EventTracing.Step> spans = new ArrayList<>(batch.size());
    int acknowledged = 0;
    Instant now = clock.instant();
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      for (OutboxMessage message : batch) {
        if (System.nanoTime() - deadline > 0) {
          throw new TimeoutException("only " + sends.size() + " sent within " + timeout);
        }
        EventTracing.Step span =
            tracing.publishing(
                new TracedEvent(
                    message.topic(), message.type(), message.eventId().toString(), message.key()),
                message.traceContext(),
                Duration.between(message.createdAt(), now));
        spans.add(span);
        Future<RecordMetadata> send = sending.send(record(message, span));
        sends.add(send);
        Throwable refusedAtOnce = send.isDone() ? failureOf(send) : null;
        if (refusedAtOnce != null) {
          // refused before it left (too large, no metadata in time): the later ones stay here
          throw failed(spans, sends, 0, refused(batch, sends.size() - 1, refusedAtOnce));
        }
      }
      for (Future<RecordMetadata> send : sends) {
        send.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        spans.get(acknowledged).close();
        acknowledged++;
      }
    } catch (PublishException alreadyFailed) {
      throw alreadyFailed;
    } catch (ExecutionException e) {
      throw failed(spans, sends, acknowledged, refused(batch, acknowledged, e.getCause()));
    } catch (TimeoutException | RuntimeException e) {
      throw failed(
          spans,
          sends,
          acknowledged,
          new PublishException("batch of " + batch.size() + " not acknowledged", e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw failed(
          spans, sends, acknowledged, new PublishException("interrupted while publishing", e));
    }
  }

  private static PublishException refused(
      List<OutboxMessage> batch, int index, @Nullable Throwable cause) {
    OutboxMessage refused = batch.get(index);
    return new PublishException(
        "event "
            + refused.eventId()
            + " ("
            + refused.type()
            + " to "
            + refused.topic()
            + ") refused, in a batch of "
            + batch.size(),
        cause);
  }

  /** The failure of a send that is done, or null if it succeeded. */
  private static @Nullable Throwable failureOf(Future<RecordMetadata> send)
      throws InterruptedException {
    try {
      send.get();
      return null;
    } catch (ExecutionException e) {
      return e.getCause();
    }
  }

  private Producer<String, byte[]> producer() {
    Producer<String, byte[]> current = producer;
    if (current == null) {
      current = producers.get();
      producer = current;
    }
    return current;
  }

  private static ProducerRecord<String, byte[]> record(
      OutboxMessage message, EventTracing.Step span) {
    RecordHeaders headers = new RecordHeaders();
    headers.add(EVENT_ID_HEADER, message.eventId().toString().getBytes(StandardCharsets.UTF_8));
    headers.add(EVENT_TYPE_HEADER, message.type().getBytes(StandardCharsets.UTF_8));
    if (message.correlationId() != null) {
      headers.add(
          CorrelationId.KAFKA_HEADER, message.correlationId().getBytes(StandardCharsets.UTF_8));
    }
    TraceHeaders.put(headers, span.context());
    return new ProducerRecord<>(message.topic(), null, message.key(), message.message(), headers);
  }

  /**
   * Ends the spans of the sends not acknowledged as failed (the relay publishes them again) and, if
   * any of those sends is still pending, closes the producer at once: none of them may land after
   * the ones the next attempt makes.
   */
  private PublishException failed(
      List<EventTracing.Step> spans,
      List<Future<RecordMetadata>> sends,
      int acknowledged,
      PublishException failure) {
    endUnacknowledged(spans, acknowledged, failure);
    Producer<String, byte[]> current = producer;
    if (current != null && sends.stream().anyMatch(send -> !send.isDone())) {
      producer = null;
      current.close(Duration.ZERO);
    }
    return failure;
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
    Producer<String, byte[]> current = producer;
    if (current != null) {
      current.close(Duration.ofSeconds(5));
    }
  }
}
