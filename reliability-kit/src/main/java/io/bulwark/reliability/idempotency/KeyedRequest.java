package io.bulwark.reliability.idempotency;

import java.util.Objects;

/**
 * One request that carries an idempotency key: the client's scope, the key it chose, and the
 * fingerprint of what it asked ({@link IdempotencyKeys#fingerprint}).
 */
public record KeyedRequest(String scope, String key, byte[] fingerprint) {

  public KeyedRequest {
    Objects.requireNonNull(scope, "scope");
    Objects.requireNonNull(key, "key");
    fingerprint = fingerprint.clone();
  }

  @Override
  public byte[] fingerprint() {
    return fingerprint.clone();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof KeyedRequest that
        && scope.equals(that.scope)
        && key.equals(that.key)
        && java.util.Arrays.equals(fingerprint, that.fingerprint);
  }

  @Override
  public int hashCode() {
    return Objects.hash(scope, key, java.util.Arrays.hashCode(fingerprint));
  }

  @Override
  public String toString() {
    return "KeyedRequest[scope=" + scope + ", key=" + key + "]";
  }
}
