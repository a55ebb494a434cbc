package io.bulwark.order.ordering;

import java.util.Set;

/**
 * Asks the inventory which SKUs exist, so an order for unknown SKUs is refused before it is
 * accepted. When the inventory cannot answer in time, the verdict is "unverified" and the order is
 * accepted as {@code PENDING}: the asynchronous saga decides, so placing orders keeps working while
 * the inventory is down.
 */
public interface SkuCheck {

  Verdict verify(Set<String> skus);

  /** Either verified, with the unknown SKUs (possibly none), or not verified. */
  record Verdict(boolean verified, Set<String> unknown) {

    public static Verdict verified(Set<String> unknown) {
      return new Verdict(true, Set.copyOf(unknown));
    }

    public static Verdict unverified() {
      return new Verdict(false, Set.of());
    }
  }
}
