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
 * <p>The producer itself gives no send up (no delivery timeout: it retries until it is acknowledged
 * or refused for good), so it never drops a record while sending the ones after it, and the batch
 * stops at the first send that fails at once (a record too large, a topic whose metadata did not
 * come in time) instead of going on with the later ones. What one batch's failure lets through is
 * not up to the publisher, though: a broker that restarts can refuse an earlier send for good and
 * take a later one. One aggregate's events stay in order because the relay never hands two of them
 * to one call (each call is one round of its batch, see {@link OutboxRelay}); what a failed call
 * left pending then lands, at worst, as a duplicate that the consumers' inbox drops.
 *
 * <p>A batch that was not acknowledged in time (a broker cut off, every broker down, a leader on
 * the move) keeps its producer: its pending sends go on in order in front of the next batch's, and
 * the producer keeps what it knows of the cluster, so the next batch goes out as soon as a leader
 * answers instead of a new producer first looking for one among brokers that may not answer. After
 * any other failure, or the third timed-out batch in a row, the producer is closed at once (its
 * pending sends dropped) and the next batch gets a fresh one.
 */
public final class KafkaEventPublisher implements EventPublisher {

  public static final String EVENT_ID_HEADER = "bulwark-event-id";
  public static final String EVENT_TYPE_HEADER = "bulwark-event-type";

  private final Supplier<Producer<String, byte[]>> producers;
  private final Duration timeout;
  private final EventTracing tracing;
  private final Clock clock;
  private @Nullable Producer<String, byte[]> producer;
  private int timeoutsInARow;

  /** Timed-out batches in a row after which the producer and its pending sends are replaced. */
  static final int TIMEOUTS_BEFORE_REPLACING = 3;

  /**
   * @param producers makes a producer, on first use and after a failure that replaces it
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
    Map<String, Object> settings = settings(baseSettings, timeout);
    return new KafkaEventPublisher(
        () -> new KafkaProducer<>(settings, new StringSerializer(), new ByteArraySerializer()),
        timeout,
        tracing,
        clock);
  }

  /** The producer settings the publisher relies on, on top of the given ones. */
  static Map<String, Object> settings(Map<String, Object> baseSettings, Duration timeout) {
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
    return settings;
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
          throw failed(spans, 0, refused(batch, sends.size() - 1, refusedAtOnce));
        }
      }
      for (Future<RecordMetadata> send : sends) {
        send.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        spans.get(acknowledged).close();
        acknowledged++;
      }
      timeoutsInARow = 0;
    } catch (PublishException alreadyFailed) {
      throw alreadyFailed;
    } catch (ExecutionException e) {
      throw failed(spans, acknowledged, refused(batch, acknowledged, e.getCause()));
    } catch (TimeoutException | RuntimeException e) {
      throw failed(
          spans,
          acknowledged,
          new PublishException("batch of " + batch.size() + " not acknowledged", e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw failed(spans, acknowledged, new PublishException("interrupted while publishing", e));
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
   * Ends the spans of the sends not acknowledged as failed (the relay publishes them again), and
   * replaces the producer unless the batch only ran out of time and has not done so three times in
   * a row.
   */
  private PublishException failed(
      List<EventTracing.Step> spans, int acknowledged, PublishException failure) {
    endUnacknowledged(spans, acknowledged, failure);
    Producer<String, byte[]> current = producer;
    boolean timedOut = isTimeout(failure);
    timeoutsInARow = timedOut ? timeoutsInARow + 1 : 0;
    if (current != null && (!timedOut || timeoutsInARow >= TIMEOUTS_BEFORE_REPLACING)) {
      producer = null;
      timeoutsInARow = 0;
      current.close(Duration.ZERO);
    }
    return failure;
  }

  /** Whether the failure is the broker not answering in time, ours or the producer's own wait. */
  private static boolean isTimeout(Throwable failure) {
    for (Throwable cause = failure.getCause();
        cause != null;
        cause = cause.getCause() == cause ? null : cause.getCause()) {
      if (cause instanceof TimeoutException
          || cause instanceof org.apache.kafka.common.errors.TimeoutException) {
        return true;
      }
    }
    return false;
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
