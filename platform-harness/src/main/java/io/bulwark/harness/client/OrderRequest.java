package io.bulwark.harness.client;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A valid order as a client sends it to {@code POST /api/orders}: one or more lines, for the caller
 * whose token it is sent with. {@code OrderRequest.of("SKU-1", 2).line("SKU-2", 1).json()}. A body
 * may also name the customer ({@link #naming}), which must then be the caller.
 */
public record OrderRequest(@Nullable String customerId, List<Line> items) {

  /** One line: a SKU and a quantity. */
  public record Line(String sku, int quantity) {}

  public OrderRequest {
    items = List.copyOf(items);
  }

  /** An order of one line. */
  public static OrderRequest of(String sku, int quantity) {
    return new OrderRequest(null, List.of()).line(sku, quantity);
  }

  /** This order with its body naming a customer. */
  public OrderRequest naming(String customerId) {
    return new OrderRequest(customerId, items);
  }

  /** This order with one more line. */
  public OrderRequest line(String sku, int quantity) {
    List<Line> lines = new ArrayList<>(items);
    lines.add(new Line(sku, quantity));
    return new OrderRequest(customerId, lines);
  }

  /** The request body. */
  public String json() {
    StringBuilder json = new StringBuilder("{");
    if (customerId != null) {
      json.append("\"customerId\":").append(quoted(customerId)).append(',');
    }
    json.append("\"items\":[");
    for (int i = 0; i < items.size(); i++) {
      Line line = items.get(i);
      json.append(i == 0 ? "" : ",")
          .append("{\"sku\":")
          .append(quoted(line.sku()))
          .append(",\"quantity\":")
          .append(line.quantity())
          .append('}');
    }
    return json.append("]}").toString();
  }

  private static String quoted(String text) {
    StringBuilder quoted = new StringBuilder("\"");
    for (char c : text.toCharArray()) {
      switch (c) {
        case '"' -> quoted.append("\\\"");
        case '\\' -> quoted.append("\\\\");
        default -> {
          if (c < 0x20) {
            quoted.append(String.format("\\u%04x", (int) c));
          } else {
            quoted.append(c);
          }
        }
      }
    }
    return quoted.append('"').toString();
  }
}
