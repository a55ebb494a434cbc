package io.bulwark.inventory.reservation;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.format.annotation.DateTimeFormat;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The reservations, for order-service's reconciliation (and the operator): by order id, or those
 * still held that changed within a window, paged by order id. Service-to-service: the gateway does
 * not route it.
 */
@RestController
@Validated
@RequestMapping("/api/reservations")
class ReservationController {

  static final String ORDER_ID = "[A-Za-z0-9._:-]{1,128}";

  /** A reservation as reconciliation compares it. */
  record ReservationView(
      String orderId, String status, @Nullable String reason, Instant updatedAt) {}

  /** A page and the order id to continue after ({@code null} on the last page). */
  record Page(List<ReservationView> items, @Nullable String next) {}

  private final Reservations reservations;

  ReservationController(Reservations reservations) {
    this.reservations = reservations;
  }

  /** The reservations of these orders; an order without one is absent. */
  @GetMapping
  List<ReservationView> byOrder(
      @RequestParam("orderId") @Size(min = 1, max = 100)
          List<@Pattern(regexp = ORDER_ID) String> orderIds) {
    return reservations.views(orderIds);
  }

  /** Reservations still held whose last change falls in [updatedAfter, updatedBefore). */
  @GetMapping("/held")
  Page held(
      @RequestParam @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant updatedAfter,
      @RequestParam @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant updatedBefore,
      @RequestParam(defaultValue = "") @Pattern(regexp = "|" + ORDER_ID) String after,
      @RequestParam(defaultValue = "500") @Min(1) @Max(1000) int limit) {
    List<ReservationView> items =
        reservations.heldBetween(updatedAfter, updatedBefore, after, limit);
    return new Page(items, items.size() == limit ? items.get(items.size() - 1).orderId() : null);
  }
}
