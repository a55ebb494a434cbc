package io.bulwark.inventory.stock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class StockItemTests {

  @Test
  void reservingMovesStockFromAvailableToReserved() {
    StockItem item = StockFixture.item("SKU-1", 10);

    item.reserve(4);

    assertThat(item.available()).isEqualTo(6);
    assertThat(item.reserved()).isEqualTo(4);
  }

  @Test
  void releasingMovesItBackAndTheTotalNeverChanges() {
    StockItem item = StockFixture.item("SKU-1", 10);
    item.reserve(7);

    item.release(3);

    assertThat(item.available()).isEqualTo(6);
    assertThat(item.reserved()).isEqualTo(4);
    assertThat(item.available() + item.reserved()).isEqualTo(10);
  }

  @Test
  void allTheAvailableStockCanBeReservedButNotOneMore() {
    StockItem item = StockFixture.item("SKU-1", 3);

    assertThat(item.canReserve(3)).isTrue();
    assertThat(item.canReserve(4)).isFalse();
    assertThatThrownBy(() -> item.reserve(4))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("3 available");
    assertThat(item.available()).isEqualTo(3);
    assertThat(item.reserved()).isZero();
  }

  @Test
  void nothingOrANegativeQuantityCanBeReservedOrReleased() {
    StockItem item = StockFixture.item("SKU-1", 3);
    item.reserve(2);

    assertThat(item.canReserve(0)).isFalse();
    assertThat(item.canReserve(-1)).isFalse();
    assertThatThrownBy(() -> item.reserve(0)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> item.release(0)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> item.release(-2)).isInstanceOf(IllegalStateException.class);
    assertThat(item.reserved()).isEqualTo(2);
  }

  @Test
  void moreThanIsReservedCannotBeReleased() {
    StockItem item = StockFixture.item("SKU-1", 5);
    item.reserve(2);

    assertThatThrownBy(() -> item.release(3))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("2 reserved");
    assertThat(item.available()).isEqualTo(3);
    assertThat(item.reserved()).isEqualTo(2);
  }

  @Test
  void availableStockIsSetButNeverNegative() {
    StockItem item = StockFixture.item("SKU-1", 5);
    item.reserve(2);

    item.setAvailable(9);

    assertThat(item.available()).isEqualTo(9);
    assertThat(item.reserved()).isEqualTo(2);
    assertThatThrownBy(() -> item.setAvailable(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> StockItem.create("SKU-2", -1))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
