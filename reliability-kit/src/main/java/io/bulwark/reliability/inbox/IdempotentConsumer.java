package io.bulwark.reliability.inbox;

import io.bulwark.reliability.correlation.CorrelationId;
import io.bulwark.reliability.event.EventCodec;
import io.bulwark.reliability.event.EventEnvelope;
import io.bulwark.reliability.transaction.Transactions;
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
 * clean. The event's correlation id is current while it is processed, so the events the handler
 * appends carry it on.
 */
public final class IdempotentConsumer {

  private static final Logger log = LoggerFactory.getLogger(IdempotentConsumer.class);

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

  public IdempotentConsumer(
      String name, Inbox inbox, EventCodec codec, EventRouter router, Transactions transactions) {
    this.name = name;
    this.inbox = inbox;
    this.codec = codec;
    this.router = router;
    this.transactions = transactions;
  }

  public Outcome accept(byte[] message) {
    EventEnvelope envelope = codec.decode(message);
    if (!router.handles(envelope.type())) {
      return Outcome.IGNORED;
    }
    Outcome[] outcome = new Outcome[1];
    try (CorrelationId.Scope scope = CorrelationId.open(envelope.correlationId())) {
      transactions.inTransaction(
          transaction -> {
            if (!inbox.firstDelivery(name, envelope.eventId())) {
              outcome[0] = Outcome.DUPLICATE;
              return;
            }
            router.dispatch(envelope);
            outcome[0] = Outcome.APPLIED;
          });
    }
    if (outcome[0] == Outcome.DUPLICATE) {
      log.info("{} skipped duplicate {} {}", name, envelope.type(), envelope.eventId());
    }
    return outcome[0];
  }

  public String name() {
    return name;
  }
}
