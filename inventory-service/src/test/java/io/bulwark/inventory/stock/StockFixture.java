package io.bulwark.inventory.stock;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Stock for tests of the domain rules: items with the given available quantities, none reserved.
 */
public final class StockFixture {

  private StockFixture() {}

  public static StockItem item(String sku, int available) {
    return StockItem.create(sku, available);
  }

  /** {@code sku, available, sku, available, ...} as the locked stock a reservation works on. */
  public static Map<String, StockItem> stock(Object... skusAndQuantities) {
    Map<String, StockItem> stock = new LinkedHashMap<>();
    for (int i = 0; i < skusAndQuantities.length; i += 2) {
      String sku = (String) skusAndQuantities[i];
      stock.put(sku, item(sku, (Integer) skusAndQuantities[i + 1]));
    }
    return stock;
  }
}
