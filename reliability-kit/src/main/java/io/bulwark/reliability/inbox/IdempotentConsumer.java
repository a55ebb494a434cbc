package io.bulwark.reliability.inbox;

import io.bulwark.reliability.correlation.CorrelationId;
import io.bulwark.reliability.event.EventCodec;
import io.bulwark.reliability.event.EventEnvelope;
import io.bulwark.reliability.tracing.EventTracing;
import io.bulwark.reliability.tracing.TraceHeaders;
import io.bulwark.reliability.tracing.TracedEvent;
import io.bulwark.reliability.transaction.Transactions;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Processes each message at most once in effect: decode, then in one transaction record the event
 * id in the inbox and apply the handler's effect (including any events it appends to the outbox). A
 * duplicate delivery finds its inbox row, applies nothing and is acknowledged.
 *
 * <p>Failures: a malformed message throws {@link
 * io.bulwark.reliability.event.MalformedEventException} before any transaction (dead-letter at
 * once); a failing handler rolls the whole transaction back, inbox row included, so a retry starts
 * clean. The event's correlation id and a span continuing the publish's trace (tagged {@code
 * bulwark.inbox.duplicate} when the inbox skips it) are current while it is processed, so the
 * events the handler appends, and its log lines, carry them on.
 */
public final class IdempotentConsumer {

  private static final Logger log = LoggerFactory.getLogger(IdempotentConsumer.class);

  /** On the consumer's span: whether the inbox found the event processed before and skipped it. */
  public static final String DUPLICATE_TAG = "bulwark.inbox.duplicate";

  /** What happened to a message. */
  public enum Outcome {
    APPLIED,
    DUPLICATE,
    IGNORED
  }

  private final String name;
  private final Inbox inbox;
  private final EventCodec codec;
  private final EventRouter router;
  private final Transactions transactions;
  private final String topic;
  private final EventTracing tracing;

  public IdempotentConsumer(
      String name, Inbox inbox, EventCodec codec, EventRouter router, Transactions transactions) {
    this(name, "", inbox, codec, router, transactions, EventTracing.NONE);
  }

  /** Processing each delivery of {@code topic} in a span that continues the publish's trace. */
  public IdempotentConsumer(
      String name,
      String topic,
      Inbox inbox,
      EventCodec codec,
      EventRouter router,
      Transactions transactions,
      EventTracing tracing) {
    this.name = name;
    this.topic = topic;
    this.inbox = inbox;
    this.codec = codec;
    this.router = router;
    this.transactions = transactions;
    this.tracing = tracing;
  }

  /** A delivered record: its value, and its headers for the trace it continues. */
  public Outcome accept(ConsumerRecord<?, byte[]> record) {
    return accept(record.value(), TraceHeaders.of(record.headers()));
  }

  /** A message outside any trace (a redriven dead letter without its record, say). */
  public Outcome accept(byte[] message) {
    return accept(message, Map.of());
  }

  public Outcome accept(byte[] message, Map<String, String> headers) {
    EventEnvelope envelope = codec.decode(message);
    if (!router.handles(envelope.type())) {
      return Outcome.IGNORED;
    }
    return process(envelope, tracing.consuming(name, traced(envelope), headers));
  }

  /**
   * A dead letter processed again, in a span linked to the trace it carried when it failed ({@code
   * original}, its record's trace headers).
   */
  public Outcome redrive(byte[] message, Map<String, String> original) {
    EventEnvelope envelope = codec.decode(message);
    if (!router.handles(envelope.type())) {
      return Outcome.IGNORED;
    }
    return process(envelope, tracing.redriving(name, traced(envelope), original));
  }

  private TracedEvent traced(EventEnvelope envelope) {
    return new TracedEvent(
        topic, envelope.type(), envelope.eventId().toString(), envelope.aggregateId());
  }

  private Outcome process(EventEnvelope envelope, EventTracing.Step step) {
    Outcome[] outcome = new Outcome[1];
    try (EventTracing.Step span = step;
        CorrelationId.Scope scope = CorrelationId.open(envelope.correlationId())) {
      try {
        transactions.inTransaction(
            transaction -> {
              if (!inbox.firstDelivery(name, envelope.eventId())) {
                outcome[0] = Outcome.DUPLICATE;
                return;
              }
              router.dispatch(envelope);
              outcome[0] = Outcome.APPLIED;
            });
      } catch (RuntimeException failure) {
        span.failed(failure);
        throw failure;
      }
      span.tag(DUPLICATE_TAG, String.valueOf(outcome[0] == Outcome.DUPLICATE));
      if (outcome[0] == Outcome.DUPLICATE) {
        log.info("{} skipped duplicate {} {}", name, envelope.type(), envelope.eventId());
      }
    }
    return outcome[0];
  }

  public String name() {
    return name;
  }
}
