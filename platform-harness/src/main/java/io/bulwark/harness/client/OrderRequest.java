package io.bulwark.harness.client;

import java.util.ArrayList;
import java.util.List;

/**
 * A valid order as a client sends it to {@code POST /api/orders}: a customer and one or more lines.
 * {@code OrderRequest.forCustomer("c-7").line("SKU-1", 2).json()}.
 */
public record OrderRequest(String customerId, List<Line> items) {

  /** One line: a SKU and a quantity. */
  public record Line(String sku, int quantity) {}

  public OrderRequest {
    items = List.copyOf(items);
  }

  public static OrderRequest forCustomer(String customerId) {
    return new OrderRequest(customerId, List.of());
  }

  /** This order with one more line. */
  public OrderRequest line(String sku, int quantity) {
    List<Line> lines = new ArrayList<>(items);
    lines.add(new Line(sku, quantity));
    return new OrderRequest(customerId, lines);
  }

  /** The request body. */
  public String json() {
    StringBuilder json = new StringBuilder("{\"customerId\":").append(quoted(customerId));
    json.append(",\"items\":[");
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
