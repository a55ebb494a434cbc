package io.bulwark.order.ordering;

import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/orders}: place, read and cancel orders. */
@RestController
@RequestMapping("/api/orders")
class OrderController {

  private final PlacingOrder placing;
  private final CancellingOrder cancelling;
  private final Orders orders;

  OrderController(PlacingOrder placing, CancellingOrder cancelling, Orders orders) {
    this.placing = placing;
    this.cancelling = cancelling;
    this.orders = orders;
  }

  @PostMapping
  ResponseEntity<OrderView> place(@Valid @RequestBody PlaceOrder request) {
    Order order =
        placing.place(
            request.customerId(),
            request.items().stream().map(i -> new OrderLine(i.sku(), i.quantity())).toList());
    return ResponseEntity.created(URI.create("/api/orders/" + order.id()))
        .body(OrderView.of(order));
  }

  @GetMapping("/{id}")
  OrderView get(@PathVariable UUID id) {
    return OrderView.of(orders.find(id).orElseThrow(() -> new OrderNotFoundException(id)));
  }

  @PostMapping("/{id}/cancel")
  OrderView cancel(@PathVariable UUID id) {
    return OrderView.of(cancelling.cancel(id));
  }

  record PlaceOrder(
      @NotBlank @Size(max = 64) String customerId,
      @NotEmpty @Size(max = 100) List<@Valid @NotNull Item> items) {}

  record Item(
      @NotBlank @Pattern(regexp = "[A-Za-z0-9._-]{1,64}") String sku,
      @NotNull @Min(1) @Max(10_000) Integer quantity) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  record OrderView(
      UUID id,
      String customerId,
      List<OrderLine> items,
      OrderStatus status,
      @Nullable String rejectionReason,
      Instant createdAt) {
    static OrderView of(Order order) {
      return new OrderView(
          order.id(),
          order.customerId(),
          order.items(),
          order.status(),
          order.rejectionReason(),
          order.createdAt());
    }
  }
}
