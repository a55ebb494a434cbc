package io.bulwark.inventory.stock;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Stock items in PostgreSQL. */
@Repository
public class StockItems {

  private final JdbcClient jdbc;

  StockItems(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  Optional<StockItem> find(String sku) {
    return jdbc.sql("SELECT sku, available, reserved FROM stock_item WHERE sku = ?")
        .param(sku)
        .query((rs, n) -> new StockItem(rs.getString(1), rs.getInt(2), rs.getInt(3)))
        .optional();
  }

  List<StockItem> findAll(Collection<String> skus) {
    return jdbc.sql(
            "SELECT sku, available, reserved FROM stock_item WHERE sku = ANY(?) ORDER BY sku")
        .param(skus.toArray(String[]::new))
        .query((rs, n) -> new StockItem(rs.getString(1), rs.getInt(2), rs.getInt(3)))
        .list();
  }

  /**
   * Locks the existing items among {@code skus} until the transaction ends, always in SKU order so
   * that concurrent reservations never deadlock. Unknown SKUs are absent from the result.
   */
  public Map<String, StockItem> lockAll(Collection<String> skus) {
    List<StockItem> items =
        jdbc.sql(
                "SELECT sku, available, reserved FROM stock_item WHERE sku = ANY(?)"
                    + " ORDER BY sku FOR UPDATE")
            .param(skus.toArray(String[]::new))
            .query((rs, n) -> new StockItem(rs.getString(1), rs.getInt(2), rs.getInt(3)))
            .list();
    Map<String, StockItem> bySku = new LinkedHashMap<>();
    items.forEach(item -> bySku.put(item.sku(), item));
    return bySku;
  }

  public void save(StockItem item) {
    jdbc.sql(
            "INSERT INTO stock_item (sku, available, reserved) VALUES (:sku, :available, :reserved)"
                + " ON CONFLICT (sku) DO UPDATE SET available = :available, reserved = :reserved,"
                + " updated_at = now()")
        .param("sku", item.sku())
        .param("available", item.available())
        .param("reserved", item.reserved())
        .update();
  }
}
