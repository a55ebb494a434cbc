package io.bulwark.gateway.edge;

import java.time.Duration;

/** What the rate limiter of this gateway replica is doing, for the operator's console. */
public interface RateLimiterView {

  /**
   * @param limitForPeriod requests a caller may make per period
   * @param period the refill period
   * @param maxCallers the most callers counted at once
   * @param callers callers counted now
   * @param refused requests refused with 429 since start
   */
  record Reading(int limitForPeriod, Duration period, int maxCallers, long callers, long refused) {}

  Reading read();
}
