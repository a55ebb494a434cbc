package io.bulwark.inventory.stock;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Sets how much of a SKU is available; what is reserved for orders stays reserved. */
@Service
class SettingStock {

  private final StockItems items;

  SettingStock(StockItems items) {
    this.items = items;
  }

  @Transactional
  StockItem setAvailable(String sku, int available) {
    StockItem item =
        items.lockAll(java.util.List.of(sku)).getOrDefault(sku, StockItem.create(sku, available));
    item.setAvailable(available);
    items.save(item);
    return item;
  }
}
