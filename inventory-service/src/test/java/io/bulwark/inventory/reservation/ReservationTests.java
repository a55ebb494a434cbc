package io.bulwark.inventory.reservation;

import static io.bulwark.inventory.stock.StockFixture.stock;
import static org.assertj.core.api.Assertions.assertThat;

import io.bulwark.inventory.reservation.InventoryEvents.Line;
import io.bulwark.inventory.reservation.InventoryEvents.StockRejected;
import io.bulwark.inventory.reservation.InventoryEvents.StockReleased;
import io.bulwark.inventory.reservation.InventoryEvents.StockReserved;
import io.bulwark.inventory.stock.StockItem;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReservationTests {

  private static final String ORDER = "order-1";

  @Test
  void everyLineIsReservedAndStockReservedIsRaised() {
    Map<String, StockItem> stock = stock("A", 5, "B", 2);

    Reservation reservation =
        Reservation.attempt(ORDER, List.of(new Line("A", 3), new Line("B", 2)), stock);

    assertThat(reservation.status()).isEqualTo(Reservation.Status.RESERVED);
    assertThat(stock.get("A").reserved()).isEqualTo(3);
    assertThat(stock.get("B").available()).isZero();
    assertThat(reservation.pullEvents())
        .containsExactly(new StockReserved(ORDER, List.of(new Line("A", 3), new Line("B", 2))));
  }

  @Test
  void linesOfOneSkuAreAddedUp() {
    Map<String, StockItem> stock = stock("A", 5);

    Reservation reservation =
        Reservation.attempt(ORDER, List.of(new Line("A", 2), new Line("A", 3)), stock);

    assertThat(reservation.lines()).containsExactly(new Line("A", 5));
    assertThat(stock.get("A").available()).isZero();
  }

  @Test
  void oneShortLineRejectsTheWholeOrderAndReservesNothing() {
    Map<String, StockItem> stock = stock("A", 5, "B", 1);

    Reservation reservation =
        Reservation.attempt(ORDER, List.of(new Line("A", 3), new Line("B", 2)), stock);

    assertThat(reservation.status()).isEqualTo(Reservation.Status.REJECTED);
    assertThat(reservation.reason())
        .isEqualTo("insufficient stock for B: requested 2, available 1");
    assertThat(stock.get("A").reserved()).isZero();
    assertThat(stock.get("B").reserved()).isZero();
    assertThat(reservation.pullEvents())
        .containsExactly(new StockRejected(ORDER, reservation.reason()));
  }

  @Test
  void anUnknownSkuAnEmptyOrderOrANonPositiveQuantityIsRejectedWithItsReason() {
    assertThat(Reservation.attempt(ORDER, List.of(new Line("X", 1)), stock("A", 1)).reason())
        .isEqualTo("unknown SKU X");
    assertThat(Reservation.attempt(ORDER, List.of(), stock("A", 1)).reason())
        .isEqualTo("order has no items");
    assertThat(Reservation.attempt(ORDER, List.of(new Line("A", 0)), stock("A", 1)).reason())
        .isEqualTo("invalid quantity 0 for A");
  }

  @Test
  void releasingGivesTheStockBackOnceAndRaisesStockReleased() {
    Map<String, StockItem> stock = stock("A", 5);
    Reservation reservation = Reservation.attempt(ORDER, List.of(new Line("A", 4)), stock);
    reservation.pullEvents();

    reservation.release(stock, "cancelled");
    reservation.release(stock, "order rejected: too late");

    assertThat(reservation.status()).isEqualTo(Reservation.Status.RELEASED);
    assertThat(reservation.reason()).as("the first release's reason").isEqualTo("cancelled");
    assertThat(stock.get("A").available()).isEqualTo(5);
    assertThat(stock.get("A").reserved()).isZero();
    assertThat(reservation.pullEvents())
        .containsExactly(new StockReleased(ORDER, List.of(new Line("A", 4))));
  }

  @Test
  void aRejectedReservationHasNothingToRelease() {
    Map<String, StockItem> stock = stock("A", 1);
    Reservation rejected = Reservation.attempt(ORDER, List.of(new Line("A", 2)), stock);
    rejected.pullEvents();

    rejected.release(stock, "cancelled");

    assertThat(rejected.status()).isEqualTo(Reservation.Status.REJECTED);
    assertThat(stock.get("A").available()).isEqualTo(1);
    assertThat(rejected.pullEvents()).isEmpty();
  }

  @Test
  void anOrderCancelledBeforeAnyDecisionIsReleasedWithNothingReserved() {
    Reservation released = Reservation.releasedBeforeDecision(ORDER, "cancelled");

    assertThat(released.status()).isEqualTo(Reservation.Status.RELEASED);
    assertThat(released.reason()).isEqualTo("cancelled");
    assertThat(released.lines()).isEmpty();
    assertThat(released.pullEvents()).containsExactly(new StockReleased(ORDER, List.of()));
  }

  @Test
  void pulledEventsAreGoneAfterwards() {
    Reservation reservation = Reservation.attempt(ORDER, List.of(new Line("A", 1)), stock("A", 1));

    assertThat(reservation.pullEvents()).hasSize(1);
    assertThat(reservation.pullEvents()).isEmpty();
  }
}
