package io.bulwark.order.ordering;

/** A quantity of one SKU. */
public record OrderLine(String sku, int quantity) {

  public OrderLine {
    if (sku == null || sku.isBlank()) {
      throw new IllegalArgumentException("sku is required");
    }
    if (quantity < 1) {
      throw new IllegalArgumentException("quantity must be positive");
    }
  }
}
