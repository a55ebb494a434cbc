package io.bulwark.reliability.idempotency;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The rules of the HTTP {@code Idempotency-Key} header (draft-ietf-httpapi-idempotency-key-header)
 * around a store: a key is opaque, bounded and scoped per client; the first request with it acts; a
 * retry with the same request gets the first response back; a different request with the same key
 * is refused, and so is a retry while the first is still in flight.
 *
 * <p>{@link #begin} and {@link #complete} must run in the transaction of the request's effect.
 */
public final class IdempotencyKeys {

  /** What to do with a request that carries a key. */
  public sealed interface Decision {
    /** First time: act, then {@link #complete}. */
    record Proceed() implements Decision {}

    /** Seen before with the same request: answer with the stored response. */
    record Replay(StoredResponse response) implements Decision {}

    /** Seen before with a different request. */
    record Mismatch() implements Decision {}

    /** The first request with this key has not finished. */
    record InFlight() implements Decision {}
  }

  private final IdempotencyKeyStore store;
  private final Duration timeToLive;
  private final int maxKeyLength;
  private final int purgeBatchSize;
  private final Clock clock;

  /**
   * @param timeToLive how long a key and its response are kept
   * @param maxKeyLength the longest key accepted
   * @param purgeBatchSize records per delete while purging expired keys
   */
  public IdempotencyKeys(
      IdempotencyKeyStore store,
      Duration timeToLive,
      int maxKeyLength,
      int purgeBatchSize,
      Clock clock) {
    if (purgeBatchSize < 1) {
      throw new IllegalArgumentException("purgeBatchSize must be positive: " + purgeBatchSize);
    }
    this.store = store;
    this.timeToLive = timeToLive;
    this.maxKeyLength = maxKeyLength;
    this.purgeBatchSize = purgeBatchSize;
    this.clock = clock;
  }

  /** Whether a header value can be a key: 1 to {@code maxKeyLength} visible ASCII characters. */
  public boolean isValidKey(String key) {
    return key != null
        && !key.isEmpty()
        && key.length() <= maxKeyLength
        && key.chars().allMatch(c -> c >= 0x21 && c <= 0x7e);
  }

  public Decision begin(String scope, String key, byte[] fingerprint) {
    if (!store.tryLock(scope, key)) {
      return new Decision.InFlight();
    }
    return completed(scope, key, fingerprint).orElse(new Decision.Proceed());
  }

  /**
   * The answer for a key whose first request has completed ({@link Decision.Replay} or {@link
   * Decision.Mismatch}), or empty if the key is new or its first request still in flight. It needs
   * neither the key's lock nor a transaction: a stored response is committed with the request's
   * effect and never changes, so a replay costs one read. On empty, {@link #begin} decides.
   */
  public Optional<Decision> completed(String scope, String key, byte[] fingerprint) {
    return store
        .find(scope, key, clock.instant())
        .map(
            existing ->
                Arrays.equals(existing.fingerprint(), fingerprint)
                    ? new Decision.Replay(existing.response())
                    : new Decision.Mismatch());
  }

  public void complete(String scope, String key, byte[] fingerprint, StoredResponse response) {
    store.save(
        scope,
        key,
        new IdempotencyKeyStore.Record(fingerprint, response, clock.instant().plus(timeToLive)));
  }

  public int purgeExpired() {
    int purged = 0;
    int batch;
    do {
      batch = store.purgeExpired(clock.instant(), purgeBatchSize);
      purged += batch;
    } while (batch == purgeBatchSize);
    return purged;
  }

  /** SHA-256 over the request line and the body: what "the same request" means. */
  public static byte[] fingerprint(String method, String pathAndQuery, byte[] body) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update((method + " " + pathAndQuery + "\n").getBytes(StandardCharsets.UTF_8));
      digest.update(body);
      return digest.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The scope of a caller's keys, by the kind of identity ({@code principal}, {@code client}) and a
   * hash of its value, so that no credential is stored.
   */
  public static String scopeOf(String kind, String identity) {
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256").digest(identity.getBytes(StandardCharsets.UTF_8));
      return kind + ":" + HexFormat.of().formatHex(hash, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
