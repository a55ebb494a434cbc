package io.bulwark.order.ordering;

import java.util.List;
import java.util.Set;

/** The inventory does not know some SKUs of the order: nothing was stored. */
class UnknownSkusException extends RuntimeException {

  private final List<OrderLine> items;
  private final Set<String> unknown;

  UnknownSkusException(List<OrderLine> items, Set<String> unknown) {
    super("unknown SKUs " + unknown);
    this.items = items;
    this.unknown = unknown;
  }

  List<OrderLine> items() {
    return items;
  }

  Set<String> unknown() {
    return unknown;
  }
}
