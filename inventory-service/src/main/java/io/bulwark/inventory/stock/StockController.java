package io.bulwark.inventory.stock;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET} and {@code PUT /api/inventory/{sku}}. */
@RestController
@Validated
@RequestMapping("/api/inventory")
class StockController {

  static final String SKU_PATTERN = "[A-Za-z0-9._-]{1,64}";

  private final StockItems items;
  private final SettingStock settingStock;

  StockController(StockItems items, SettingStock settingStock) {
    this.items = items;
    this.settingStock = settingStock;
  }

  @GetMapping("/{sku}")
  StockView get(@PathVariable @Pattern(regexp = SKU_PATTERN) String sku) {
    return items
        .find(sku)
        .map(StockView::of)
        .orElseThrow(
            () -> {
              ProblemDetail problem =
                  ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, "no stock item " + sku);
              problem.setTitle("Unknown SKU");
              return new ErrorResponseException(HttpStatus.NOT_FOUND, problem, null);
            });
  }

  /** The known items among the given SKUs; unknown SKUs are simply absent. */
  @GetMapping
  List<StockView> find(
      @RequestParam("sku") @Size(min = 1, max = 100)
          List<@Pattern(regexp = SKU_PATTERN) String> skus) {
    return items.findAll(skus).stream().map(StockView::of).toList();
  }

  @PutMapping("/{sku}")
  StockView set(
      @PathVariable @Pattern(regexp = SKU_PATTERN) String sku,
      @Valid @RequestBody SetStock request) {
    return StockView.of(settingStock.setAvailable(sku, request.available()));
  }

  record SetStock(@NotNull @Min(0) @Max(1_000_000_000) Integer available) {}

  record StockView(String sku, int available, int reserved) {
    static StockView of(StockItem item) {
      return new StockView(item.sku(), item.available(), item.reserved());
    }
  }
}
