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
import org.springframework.security.core.Authentication;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/orders}: a customer places, reads, lists and cancels its own orders. The customer is
 * the caller's token subject; another customer's order answers {@code 404}, as one that does not
 * exist, so ids leak nothing.
 */
@RestController
@Validated
@RequestMapping("/api/orders")
class OrderController {

  /** The most orders one page of the listing holds. */
  static final int MAX_PAGE = 100;

  private final PlacingOrder placing;
  private final CancellingOrder cancelling;
  private final Orders orders;

  OrderController(PlacingOrder placing, CancellingOrder cancelling, Orders orders) {
    this.placing = placing;
    this.cancelling = cancelling;
    this.orders = orders;
  }

  @PostMapping
  ResponseEntity<OrderView> place(
      @Valid @RequestBody PlaceOrder request, Authentication authentication) {
    Caller caller = Caller.of(authentication);
    String named = request.customerId();
    if (named != null && !named.equals(caller.customerId())) {
      throw new CustomerMismatchException();
    }
    Order order =
        placing.place(
            caller.customerId(),
            request.items().stream().map(i -> new OrderLine(i.sku(), i.quantity())).toList());
    return ResponseEntity.created(URI.create("/api/orders/" + order.id()))
        .body(OrderView.of(order));
  }

  /** The caller's orders, newest first, a page at a time; {@code next} continues the listing. */
  @GetMapping
  OrderPage list(
      @RequestParam(required = false) @Nullable OrderStatus status,
      @RequestParam(defaultValue = "20") @Min(1) @Max(MAX_PAGE) int limit,
      @RequestParam(required = false) @Nullable @Size(max = 200) String cursor,
      Authentication authentication) {
    Caller caller = Caller.of(authentication);
    List<Order> page =
        orders.page(
            caller.customerId(),
            status,
            cursor == null ? null : OrderCursor.decode(cursor),
            limit + 1);
    List<Order> shown = page.subList(0, Math.min(limit, page.size()));
    return new OrderPage(
        shown.stream().map(OrderView::of).toList(),
        page.size() > limit ? OrderCursor.after(shown.get(shown.size() - 1)).encode() : null);
  }

  @GetMapping("/{id}")
  OrderView get(@PathVariable UUID id, Authentication authentication) {
    Caller caller = Caller.of(authentication);
    return OrderView.of(
        orders.find(id).filter(caller::maySee).orElseThrow(() -> new OrderNotFoundException(id)));
  }

  @PostMapping("/{id}/cancel")
  OrderView cancel(@PathVariable UUID id, Authentication authentication) {
    return OrderView.of(cancelling.cancel(id, Caller.of(authentication)));
  }

  /**
   * An order as a client asks for it. {@code customerId} may be left out: the order is the
   * caller's; when given, it must name the caller.
   */
  record PlaceOrder(
      @Nullable @Size(max = 64) String customerId,
      @NotEmpty @Size(max = 100) List<@Valid @NotNull Item> items) {}

  record Item(
      @NotBlank @Pattern(regexp = "[A-Za-z0-9._-]{1,64}") String sku,
      @NotNull @Min(1) @Max(10_000) Integer quantity) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  record OrderPage(List<OrderView> items, @Nullable String next) {}

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
