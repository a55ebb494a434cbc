package io.bulwark.reliability.idempotency;

import java.time.Instant;
import java.util.Optional;

/**
 * Remembers, per client scope and key, the fingerprint of the first request and the response it
 * got.
 *
 * <p>Contract: {@link #tryLock} and {@link #save} run inside the transaction of the request's
 * effect; {@link #find} may also run outside any transaction (it sees only committed records).
 *
 * <ul>
 *   <li>{@link #tryLock} takes the key for the current transaction, or returns false at once if
 *       another transaction holds it (a request with that key is in flight). The lock ends with the
 *       transaction, also when the process dies.
 *   <li>{@link #find} returns the stored record unless it expired before {@code now}.
 *   <li>{@link #save} stores the record; it commits or rolls back with the effect, so a stored
 *       response always describes an effect that exists. It replaces an expired record of the same
 *       key.
 *   <li>{@link #purgeExpired} deletes records that expired before {@code now}.
 * </ul>
 */
public interface IdempotencyKeyStore {

  boolean tryLock(String scope, String key);

  Optional<Record> find(String scope, String key, Instant now);

  void save(String scope, String key, Record record);

  int purgeExpired(Instant now, int limit);

  /** What is kept for a key. */
  record Record(byte[] fingerprint, StoredResponse response, Instant expiresAt) {}
}
