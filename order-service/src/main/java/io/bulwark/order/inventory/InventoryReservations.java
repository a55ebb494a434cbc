package io.bulwark.order.inventory;

import io.bulwark.order.reconciliation.ReservationLookup;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClient;

/**
 * {@link ReservationLookup} over HTTP, with order-service's machine token. No retry or breaker: a
 * check that cannot reach the inventory fails as a whole and the next one tries again.
 */
@Component
class InventoryReservations implements ReservationLookup {

  private final RestClient http;

  InventoryReservations(RestClient.Builder inventoryRestClientBuilder) {
    this.http = inventoryRestClientBuilder.build();
  }

  record Held(List<Reservation> items, @Nullable String next) {}

  @Override
  public Map<String, Reservation> of(List<String> orderIds) {
    Map<String, Reservation> byOrder = new HashMap<>();
    if (orderIds.isEmpty()) {
      return byOrder;
    }
    List<Reservation> found =
        http.get()
            .uri(
                uri ->
                    uri.path("/api/reservations").queryParam("orderId", orderIds.toArray()).build())
            .retrieve()
            .body(new ParameterizedTypeReference<List<Reservation>>() {});
    if (found != null) {
      found.forEach(reservation -> byOrder.put(reservation.orderId(), reservation));
    }
    return byOrder;
  }

  @Override
  public Page held(Instant from, Instant to, String afterOrderId, int limit) {
    Held page =
        http.get()
            .uri(
                uri ->
                    uri.path("/api/reservations/held")
                        .queryParam("updatedAfter", from.toString())
                        .queryParam("updatedBefore", to.toString())
                        .queryParam("after", afterOrderId)
                        .queryParam("limit", limit)
                        .build())
            .retrieve()
            .body(Held.class);
    return page == null ? new Page(List.of(), null) : new Page(page.items(), page.next());
  }
}
