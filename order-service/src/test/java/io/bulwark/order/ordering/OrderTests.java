package io.bulwark.order.ordering;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bulwark.order.ordering.OrderEvents.OrderCancelled;
import io.bulwark.order.ordering.OrderEvents.OrderConfirmed;
import io.bulwark.order.ordering.OrderEvents.OrderPlaced;
import io.bulwark.order.ordering.OrderEvents.OrderRejected;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class OrderTests {

  private static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");

  private static Order placed() {
    Order order = Order.place("c-1", List.of(new OrderLine("SKU-1", 2)), NOW);
    order.pullEvents();
    return order;
  }

  @Test
  void placingAnOrderMakesItPendingAndRaisesOrderPlaced() {
    Order order = Order.place("c-1", List.of(new OrderLine("SKU-1", 2)), NOW);

    assertThat(order.status()).isEqualTo(OrderStatus.PENDING);
    assertThat(order.pullEvents())
        .containsExactly(
            new OrderPlaced(order.id().toString(), "c-1", List.of(new OrderLine("SKU-1", 2))));
  }

  @Test
  void anOrderNeedsItems() {
    assertThatThrownBy(() -> Order.place("c-1", List.of(), NOW))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aPendingOrderIsConfirmedOnceAndASecondConfirmationChangesNothing() {
    Order order = placed();

    assertThat(order.confirm(NOW)).isTrue();
    assertThat(order.confirm(NOW)).isFalse();

    assertThat(order.status()).isEqualTo(OrderStatus.CONFIRMED);
    assertThat(order.pullEvents()).containsExactly(new OrderConfirmed(order.id().toString()));
  }

  @Test
  void aPendingOrderIsRejectedWithItsReason() {
    Order order = placed();

    order.reject("insufficient stock", NOW);

    assertThat(order.status()).isEqualTo(OrderStatus.REJECTED);
    assertThat(order.rejectionReason()).isEqualTo("insufficient stock");
    assertThat(order.pullEvents())
        .containsExactly(new OrderRejected(order.id().toString(), "insufficient stock"));
  }

  @Test
  void aConfirmedOrderCanBeCancelledAndSaysWhatItWas() {
    Order order = placed();
    order.confirm(NOW);
    order.pullEvents();

    assertThat(order.cancel(NOW)).isTrue();

    assertThat(order.status()).isEqualTo(OrderStatus.CANCELLED);
    assertThat(order.pullEvents())
        .containsExactly(new OrderCancelled(order.id().toString(), OrderStatus.CONFIRMED));
  }

  @Test
  void cancellingACancelledOrderChangesNothing() {
    Order order = placed();
    order.cancel(NOW);
    order.pullEvents();

    assertThat(order.cancel(NOW)).isFalse();
    assertThat(order.pullEvents()).isEmpty();
  }

  @Test
  void aRejectedOrderCannotBeCancelled() {
    Order order = placed();
    order.reject("no stock", NOW);

    assertThatThrownBy(() -> order.cancel(NOW)).isInstanceOf(OrderNotCancellableException.class);
  }

  @Test
  void aReplyForACancelledOrderChangesNothing() {
    Order order = placed();
    order.cancel(NOW);
    order.pullEvents();

    assertThat(order.confirm(NOW)).isFalse();
    assertThat(order.reject("late", NOW)).isFalse();
    assertThat(order.status()).isEqualTo(OrderStatus.CANCELLED);
    assertThat(order.pullEvents()).isEmpty();
  }
}
