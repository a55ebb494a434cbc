package io.bulwark.inventory.stock;

import static org.assertj.core.api.Assertions.assertThat;

import io.bulwark.harness.http.HttpJson.Response;
import io.bulwark.inventory.InventoryServiceTestBase;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StockApiIntegrationTests extends InventoryServiceTestBase {

  @Test
  void setStockIsReadBackWithNothingReserved() {
    Response put = http().put("/api/inventory/API-1", "{\"available\": 12}");
    Response get = http().get("/api/inventory/API-1");

    assertThat(put.status()).isEqualTo(200);
    assertThat(get.status()).isEqualTo(200);
    assertThat(get.body()).contains("\"sku\":\"API-1\"", "\"available\":12", "\"reserved\":0");
  }

  @Test
  void anUnknownSkuIsANotFoundProblem() {
    Response get = http().get("/api/inventory/NO-SUCH-SKU");

    assertThat(get.status()).isEqualTo(404);
    assertThat(get.header("Content-Type")).startsWith("application/problem+json");
    assertThat(get.body()).contains("\"title\":\"Unknown SKU\"");
  }

  @Test
  void negativeStockIsRejectedWithTheFieldNamedAndNothingChanges() {
    http().put("/api/inventory/API-2", "{\"available\": 5}");

    Response put = http().put("/api/inventory/API-2", "{\"available\": -1}");

    assertThat(put.status()).isEqualTo(400);
    assertThat(put.header("Content-Type")).startsWith("application/problem+json");
    assertThat(put.body()).contains("\"field\":\"available\"");
    assertThat(http().get("/api/inventory/API-2").body()).contains("\"available\":5");
  }

  @Test
  void malformedJsonIsABadRequestWithoutInternals() {
    Response put = http().put("/api/inventory/API-3", "{\"available\": ");

    assertThat(put.status()).isEqualTo(400);
    assertThat(put.header("Content-Type")).startsWith("application/problem+json");
    assertThat(put.body()).doesNotContain("Exception", "at io.", "at org.");
    assertThat(http().get("/api/inventory/API-3").status()).isEqualTo(404);
  }

  @Test
  void aSkuOutsideTheAllowedAlphabetIsABadRequest() {
    Response put = http().put("/api/inventory/bad%20sku!", "{\"available\": 1}");

    assertThat(put.status()).isEqualTo(400);
    assertThat(put.header("Content-Type")).startsWith("application/problem+json");
  }

  @Test
  void anUnsupportedMediaTypeIsRefused() {
    Response put =
        http().send("PUT", "/api/inventory/API-4", "available=1", "text/plain", Map.of());

    assertThat(put.status()).isEqualTo(415);
    assertThat(put.header("Content-Type")).startsWith("application/problem+json");
  }

  @Test
  void aBatchLookupReturnsTheKnownItemsAmongTheAskedSkus() {
    http().put("/api/inventory/BATCH-1", "{\"available\": 3}");
    http().put("/api/inventory/BATCH-2", "{\"available\": 4}");

    Response found = http().get("/api/inventory?sku=BATCH-1&sku=BATCH-2&sku=BATCH-UNKNOWN");

    assertThat(found.status()).isEqualTo(200);
    assertThat(found.body())
        .contains("\"sku\":\"BATCH-1\"", "\"sku\":\"BATCH-2\"")
        .doesNotContain("BATCH-UNKNOWN");
  }

  @Test
  void aBatchLookupWithoutSkusOrWithABadSkuIsABadRequest() {
    assertThat(http().get("/api/inventory").status()).isEqualTo(400);
    assertThat(http().get("/api/inventory?sku=bad%20sku").status()).isEqualTo(400);
  }
}
