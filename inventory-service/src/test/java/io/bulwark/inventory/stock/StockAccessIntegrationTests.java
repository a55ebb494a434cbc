package io.bulwark.inventory.stock;

import static org.assertj.core.api.Assertions.assertThat;

import io.bulwark.harness.http.HttpJson.Response;
import io.bulwark.inventory.InventoryServiceTestBase;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Who may read and set stock, asked of inventory-service directly, without the gateway: the service
 * checks every token itself.
 */
class StockAccessIntegrationTests extends InventoryServiceTestBase {

  private final String sku = "ACL-" + UUID.randomUUID().toString().substring(0, 8);

  @Test
  void aCustomerMayReadStockButNotSetIt() {
    http().put("/api/inventory/" + sku, "{\"available\": 5}");
    String customer = ISSUER.token("customer-1", "orders");

    Response read = http(customer).get("/api/inventory/" + sku);
    Response set = http(customer).put("/api/inventory/" + sku, "{\"available\": 0}");

    assertThat(read.status()).isEqualTo(200);
    assertThat(set.status()).isEqualTo(403);
    assertThat(set.header("Content-Type")).startsWith("application/problem+json");
    assertThat(http().get("/api/inventory/" + sku).body()).contains("\"available\":5");
  }

  @Test
  void orderServicesMachineTokenMayLookUpSkusOnly() {
    String machine = ISSUER.token("order-service", "inventory:read");

    assertThat(http(machine).get("/api/inventory?sku=" + sku).status()).isEqualTo(200);
    assertThat(http(machine).put("/api/inventory/" + sku, "{\"available\": 1}").status())
        .isEqualTo(403);
  }

  @Test
  void theOperatorSetsStock() {
    assertThat(http().put("/api/inventory/" + sku, "{\"available\": 7}").status()).isEqualTo(200);
  }

  @Test
  void withoutAValidTokenNothingIsReadOrSet() {
    for (String token :
        new String[] {
          ISSUER.mint().expiredSince(Duration.ofSeconds(90)).roles("operator").sign(),
          ISSUER.mint().audience("elsewhere").roles("operator").sign(),
          ISSUER.mint().roles("operator").unsigned(),
          ISSUER.mint().roles("operator").signedByAnotherKey().sign()
        }) {
      Response set = http(token).put("/api/inventory/" + sku, "{\"available\": 3}");
      assertThat(set.status()).isEqualTo(401);
      assertThat(set.header("WWW-Authenticate")).startsWith("Bearer");
    }
    assertThat(http().bare().get("/api/inventory/" + sku).status()).isEqualTo(401);
    assertThat(http().get("/api/inventory/" + sku).status()).isEqualTo(404);
  }

  @Test
  void theSkuLookupIsUnauthorizedWithoutATokenAndForbiddenWithoutTheRightScope() {
    assertThat(http().bare().get("/api/inventory?sku=" + sku).status()).isEqualTo(401);
    assertThat(http(ISSUER.token("someone", "profile")).get("/api/inventory?sku=" + sku).status())
        .isEqualTo(403);
  }

  @Test
  void aTokenWithNeitherScopeNorRoleMayNotReadStock() {
    assertThat(http(ISSUER.token("someone", "profile")).get("/api/inventory/" + sku).status())
        .isEqualTo(403);
  }
}
