package io.bulwark.inventory.stock;

import io.bulwark.reliability.autoconfigure.StandbyQueries;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Stock items in PostgreSQL. A stock level shown to a caller is read where the standby may serve it
 * (never older than the caller's own writes); what an order or a reservation decides on is read on
 * the primary.
 */
@Repository
public class StockItems {

  private final JdbcClient jdbc;
  private final StandbyQueries reads;

  StockItems(JdbcClient jdbc, StandbyQueries reads) {
    this.jdbc = jdbc;
    this.reads = reads;
  }

  Optional<StockItem> find(String sku) {
    return reads.read(
        standby ->
            standby
                .sql("SELECT sku, available, reserved FROM stock_item WHERE sku = ?")
                .param(sku)
                .query((rs, n) -> new StockItem(rs.getString(1), rs.getInt(2), rs.getInt(3)))
                .optional());
  }

  /**
   * On the primary: order-service's check of an order's SKUs asks this, and it decides whether an
   * order is taken, so it costs the write no second round trip and no wait on a standby.
   */
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
