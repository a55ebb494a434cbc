package io.bulwark.reliability.inbox;

import java.time.Instant;
import java.util.UUID;

/**
 * Remembers which messages a consumer has processed.
 *
 * <p>Contract: {@link #firstDelivery} must run inside the transaction that applies the message's
 * effect. It returns true and records the message when this consumer has not processed it before,
 * false when it has: then the caller applies nothing. A concurrent call for the same message waits
 * until the first transaction ends; if that one commits it returns false, if it rolls back, true.
 * Records older than the deduplication window may be purged; a message redelivered after that is
 * treated as new.
 */
public interface Inbox {

  boolean firstDelivery(String consumer, UUID messageId);

  int purgeProcessedBefore(Instant cutOff);
}
