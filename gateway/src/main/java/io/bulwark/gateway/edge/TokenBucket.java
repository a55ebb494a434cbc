package io.bulwark.gateway.edge;

/**
 * One client's allowance: up to {@code capacity} requests at once, refilled evenly at {@code
 * capacity} per period. A few dozen bytes per client, so that many clients cost little memory.
 */
final class TokenBucket {

  private final long capacity;
  private final long nanosPerToken;
  private long tokens;
  private long refilledAt;

  TokenBucket(long capacity, long periodNanos, long now) {
    this.capacity = capacity;
    this.nanosPerToken = Math.max(1, periodNanos / capacity);
    this.tokens = capacity;
    this.refilledAt = now;
  }

  /** Takes one token: {@code 0} if there was one, else how many nanoseconds until there is. */
  synchronized long take(long now) {
    refill(now);
    if (tokens > 0) {
      tokens--;
      return 0;
    }
    return nanosPerToken - (now - refilledAt);
  }

  /** How many requests it would allow at {@code now}. */
  synchronized long available(long now) {
    refill(now);
    return tokens;
  }

  private void refill(long now) {
    long earned = (now - refilledAt) / nanosPerToken;
    if (earned > 0) {
      tokens = Math.min(capacity, tokens + earned);
      refilledAt = tokens == capacity ? now : refilledAt + earned * nanosPerToken;
    }
  }
}
