package io.bulwark.reliability.deadletter;

import io.bulwark.reliability.inbox.IdempotentConsumer;

/**
 * Gives a dead letter back to the consumer that failed it, with its payload unchanged (so its event
 * id and correlation id too): the consumer's inbox turns a record already applied into a duplicate,
 * so redriving twice has one effect.
 */
@FunctionalInterface
public interface Redriver {

  /** Processes the record again; throws what the consumer threw. */
  IdempotentConsumer.Outcome redrive(DeadLetter letter) throws Exception;
}
