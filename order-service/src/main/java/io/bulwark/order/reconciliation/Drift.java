package io.bulwark.order.reconciliation;

import org.jspecify.annotations.Nullable;

/**
 * One disagreement between the orders and the reservations.
 *
 * @param repair what was done about it, or {@code null} when it was only reported
 */
record Drift(
    String orderId,
    Kind kind,
    @Nullable String orderStatus,
    @Nullable String reservationStatus,
    @Nullable String repair) {

  /** The kinds of drift, and whether a repair is safe. */
  enum Kind {
    /** Stock still held for a rejected or cancelled order: safe to release. */
    HELD_FOR_CONCLUDED_ORDER(true),
    /** Stock held for an order order-service does not have: safe to release. */
    HELD_WITHOUT_ORDER(true),
    /**
     * A confirmed order whose stock is not held: reported; releasing or reserving is a decision.
     */
    CONFIRMED_WITHOUT_RESERVATION(false),
    /** An order pending past its deadline: reported; the deadline check concludes it. */
    PENDING_PAST_DEADLINE(false);

    private final boolean repairable;

    Kind(boolean repairable) {
      this.repairable = repairable;
    }

    boolean repairable() {
      return repairable;
    }
  }

  Drift repaired(String how) {
    return new Drift(orderId, kind, orderStatus, reservationStatus, how);
  }
}
