package io.bulwark.order.inventory;

import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The SKUs inventory-service has confirmed, remembered by this instance. Inventory never removes a
 * SKU (stock is set, never deleted), so a SKU once confirmed stays known, and an order for
 * remembered SKUs needs no call at all: no HTTP hop while the order's transaction is open, and no
 * dependency on inventory-service being up. Only confirmations are remembered; a SKU the inventory
 * did not know is asked about again, since it may have been stocked since.
 *
 * <p>Bounded: once {@code limit} SKUs are remembered, no more are, and the others are asked about
 * on every order as before.
 */
final class ConfirmedSkus {

  private final Set<String> skus = ConcurrentHashMap.newKeySet();
  private final int limit;

  ConfirmedSkus(int limit) {
    if (limit < 0) {
      throw new IllegalArgumentException("limit must not be negative: " + limit);
    }
    this.limit = limit;
  }

  /** Those of {@code asked} not confirmed yet: the ones the inventory must be asked about. */
  Set<String> unconfirmed(Set<String> asked) {
    Set<String> unconfirmed = new HashSet<>(asked);
    unconfirmed.removeAll(skus);
    return unconfirmed;
  }

  /** Remembers SKUs the inventory has just confirmed, while there is room. */
  void confirmed(Collection<String> known) {
    for (String sku : known) {
      if (skus.size() >= limit) {
        return;
      }
      skus.add(sku);
    }
  }

  int size() {
    return skus.size();
  }
}
