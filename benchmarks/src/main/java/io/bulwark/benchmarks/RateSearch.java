package io.bulwark.benchmarks;

import java.util.OptionalDouble;

/**
 * Which fixed rate the sweep offers next: rising (doubling from 10 below 40 orders/s, then by 40 up
 * to 200, then by a fifth) until the platform first fails to keep up, then halving the gap between
 * the highest rate it kept up with and the lowest it did not, until that gap is within {@value
 * #RESOLUTION_PERCENT}% of the former or under 5 orders/s. Without the narrowing, the figure could
 * only be 10, 20, 40, 80, ... orders/s: a platform that keeps up with 35 was reported as keeping up
 * with 20.
 *
 * @param keptUp the highest rate kept up with so far (0 when none)
 * @param failed the lowest rate not kept up with so far (empty while none)
 */
record RateSearch(double keptUp, OptionalDouble failed) {

  static final double FIRST = 10;
  static final int RESOLUTION_PERCENT = 20;

  static RateSearch start() {
    return new RateSearch(0, OptionalDouble.empty());
  }

  /** The search after a step at {@code rate} that did or did not keep up. */
  RateSearch after(double rate, boolean kept) {
    if (kept) {
      return new RateSearch(Math.max(keptUp, rate), failed);
    }
    return new RateSearch(
        keptUp,
        OptionalDouble.of(failed.isPresent() ? Math.min(failed.getAsDouble(), rate) : rate));
  }

  /** The next rate to offer; empty when the sustained rate is known closely enough. */
  OptionalDouble next() {
    if (failed.isEmpty()) {
      if (keptUp == 0) {
        return OptionalDouble.of(FIRST);
      }
      return OptionalDouble.of(
          keptUp < 40 ? keptUp * 2 : keptUp < 200 ? keptUp + 40 : Math.round(keptUp * 1.2));
    }
    double over = failed.getAsDouble();
    if (keptUp == 0 || over - keptUp < 5 || over <= keptUp * (1 + RESOLUTION_PERCENT / 100.0)) {
      return OptionalDouble.empty();
    }
    return OptionalDouble.of(Math.round((keptUp + over) / 2));
  }
}
