package io.bulwark.inventory.stock;

/**
 * One SKU's stock: what can still be reserved ({@code available}) and what is held for orders
 * ({@code reserved}). Every change goes through a method that keeps both non-negative, so stock is
 * only ever moved between the two, never created or lost, except by an explicit {@link
 * #setAvailable}.
 */
public final class StockItem {

  private final String sku;
  private int available;
  private int reserved;

  StockItem(String sku, int available, int reserved) {
    this.sku = sku;
    this.available = available;
    this.reserved = reserved;
  }

  static StockItem create(String sku, int available) {
    StockItem item = new StockItem(sku, 0, 0);
    item.setAvailable(available);
    return item;
  }

  public boolean canReserve(int quantity) {
    return quantity > 0 && quantity <= available;
  }

  public void reserve(int quantity) {
    if (!canReserve(quantity)) {
      throw new IllegalStateException(
          "cannot reserve " + quantity + " of " + sku + ", " + available + " available");
    }
    available -= quantity;
    reserved += quantity;
  }

  public void release(int quantity) {
    if (quantity <= 0 || quantity > reserved) {
      throw new IllegalStateException(
          "cannot release " + quantity + " of " + sku + ", " + reserved + " reserved");
    }
    reserved -= quantity;
    available += quantity;
  }

  void setAvailable(int quantity) {
    if (quantity < 0) {
      throw new IllegalArgumentException("available stock cannot be negative");
    }
    available = quantity;
  }

  public String sku() {
    return sku;
  }

  public int available() {
    return available;
  }

  public int reserved() {
    return reserved;
  }
}
