package io.bulwark.reliability.inbox;

import io.bulwark.reliability.event.EventCodec;
import io.bulwark.reliability.transaction.Transactions;

/** Builds idempotent consumers that share one inbox; a service names each and gives its routes. */
public final class IdempotentConsumers {

  private final Inbox inbox;
  private final EventCodec codec;
  private final Transactions transactions;

  public IdempotentConsumers(Inbox inbox, EventCodec codec, Transactions transactions) {
    this.inbox = inbox;
    this.codec = codec;
    this.transactions = transactions;
  }

  public EventRouter.Builder routes() {
    return EventRouter.builder(codec);
  }

  public IdempotentConsumer create(String name, EventRouter router) {
    return new IdempotentConsumer(name, inbox, codec, router, transactions);
  }
}
