package io.bulwark.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.bulwark.harness.auth.Identities;
import io.bulwark.harness.client.OrderRequest;
import io.bulwark.harness.client.PlatformClient;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The customer's page, served by the gateway, in a real Chromium: a browser sent to the issuer's
 * login form, signed in, and back on the page, where the customer places, follows and cancels their
 * own orders through the API with their session. Skipped, saying so, on a machine without Debian's
 * {@code chromium} and {@code chromium-driver}; screenshots in {@code target/screenshots/}.
 */
@SystemTest(shared = true)
@EnabledIf(
    value = "io.bulwark.system.Chromium#available",
    disabledReason = "needs /usr/bin/chromium and /usr/bin/chromedriver (chromium-driver)")
class CustomerPageSystemTests {

  private static final Duration SAGA = Duration.ofSeconds(60);

  private static Platform platform;

  private static PlatformClient customer1;

  @BeforeAll
  static void stock() {
    customer1 = platform.client();
    customer1.setStock("PAGE-1", 1_000);
    customer1.setStock("PAGE-SCARCE", 1);
  }

  @Test
  void aCustomerSignsInPlacesAnOrderAndSeesItConfirmedOnTheirPage() {
    try (Chromium browser = signedIn(Identities.CUSTOMER_1, Chromium.Size.DESKTOP)) {
      order(browser, "PAGE-1", 2);

      WebElement confirmed = row(browser, "PAGE-1", "CONFIRMED");
      String id = confirmed.getAttribute("data-order-id");
      assertThat(confirmed.getText()).contains("2 × PAGE-1").contains("CONFIRMED");
      assertThat(browser.find("#message").getText()).contains("placed");
      browser.screenshot("customer-order-confirmed");

      // the page showed what the platform holds: the order is the signed-in customer's
      assertThat(customer1.statusOf(id)).contains("CONFIRMED");
      assertThat(customer1.http().get("/api/orders/" + id).body())
          .contains("\"customerId\":\"customer-1\"");
    }
  }

  @Test
  void anotherCustomerDoesNotSeeTheOrderOnTheirPage() {
    String id = customer1.placedOrderId(OrderRequest.of("PAGE-1", 1));
    assertThat(customer1.awaitConcluded(id, SAGA)).isEqualTo("CONFIRMED");

    try (Chromium browser = signedIn(Identities.CUSTOMER_2, Chromium.Size.DESKTOP)) {
      // the listing has been answered once the table or the "no orders" line shows
      browser.await(
          SAGA,
          d ->
              d.findElements(By.cssSelector("#orders tbody tr")).isEmpty()
                      && !d.findElement(By.id("empty")).isDisplayed()
                  ? null
                  : d);
      assertThat(browser.find("#orders").getText()).doesNotContain(id.substring(0, 8));
      assertThat(
              browser
                  .find("#orders tbody")
                  .findElements(By.cssSelector("tr[data-order-id='" + id + "']")))
          .isEmpty();
      browser.screenshot("customer-2-does-not-see-customer-1");
    }
    try (Chromium browser = signedIn(Identities.CUSTOMER_1, Chromium.Size.DESKTOP)) {
      assertThat(orderRow(browser, id, "CONFIRMED").getText()).contains("1 × PAGE-1");
    }
  }

  @Test
  void onAPhoneACustomerCancelsAConfirmedOrderAndSeesItCancelled() {
    String id = customer1.placedOrderId(OrderRequest.of("PAGE-1", 3));
    assertThat(customer1.awaitConcluded(id, SAGA)).isEqualTo("CONFIRMED");

    try (Chromium browser = signedIn(Identities.CUSTOMER_1, Chromium.Size.PHONE)) {
      orderRow(browser, id, "CONFIRMED").findElement(By.tagName("button")).click();

      orderRow(browser, id, "CANCELLED");
      browser.screenshot("customer-order-cancelled-phone");
      assertThat(customer1.statusOf(id)).contains("CANCELLED");
    }
  }

  @Test
  void anOrderForMoreThanTheStockIsShownRejectedWithItsReason() {
    try (Chromium browser = signedIn(Identities.CUSTOMER_1, Chromium.Size.DESKTOP)) {
      order(browser, "PAGE-SCARCE", 5);

      WebElement rejected = row(browser, "PAGE-SCARCE", "REJECTED");
      assertThat(rejected.findElement(By.cssSelector(".reason")).getText()).isNotBlank();
      browser.screenshot("customer-order-rejected");
    }
  }

  @Test
  void anOrderForASkuTheInventoryDoesNotKnowIsRefusedWithTheReasonAndPlacesNothing() {
    try (Chromium browser = signedIn(Identities.CUSTOMER_1, Chromium.Size.DESKTOP)) {
      order(browser, "PAGE-NOWHERE", 1);

      String message =
          browser.await(
              SAGA,
              d -> {
                String text = d.findElement(By.id("message")).getText();
                return text.startsWith("The order was not placed") ? text : null;
              });
      assertThat(message).contains("PAGE-NOWHERE");
      assertThat(browser.find("#orders").getText()).doesNotContain("PAGE-NOWHERE");
      assertThat(customer1.http().get("/api/orders?limit=100").body())
          .doesNotContain("PAGE-NOWHERE");
      browser.screenshot("customer-order-refused");
    }
  }

  private static void order(Chromium browser, String sku, int quantity) {
    WebElement skuField = browser.find("#sku");
    skuField.clear();
    skuField.sendKeys(sku);
    WebElement quantityField = browser.find("#quantity");
    quantityField.clear();
    quantityField.sendKeys(String.valueOf(quantity));
    browser.find("#place-button").click();
  }

  /** A fresh browser signed in as {@code user} on the customer's page. */
  private static Chromium signedIn(String user, Chromium.Size size) {
    Chromium browser = Chromium.signedIn(platform, "/", user, size);
    try {
      assertThat(browser.find("h1").getText()).isEqualTo("Your orders");
      return browser;
    } catch (RuntimeException | AssertionError e) {
      browser.close();
      throw e;
    }
  }

  /** The page's row of the order {@code id} once it shows {@code status}. */
  private static WebElement orderRow(Chromium browser, String id, String status) {
    By row = By.cssSelector("tr[data-order-id='" + id + "'][data-status='" + status + "']");
    return browser.await(SAGA, d -> d.findElements(row).stream().findFirst().orElse(null));
  }

  /** The page's row of an order of {@code sku} once it shows {@code status}. */
  private static WebElement row(Chromium browser, String sku, String status) {
    return browser.await(
        SAGA,
        d -> {
          List<WebElement> rows =
              d.findElements(By.cssSelector("#orders tbody tr[data-status='" + status + "']"));
          return rows.stream().filter(r -> r.getText().contains(sku)).findFirst().orElse(null);
        });
  }
}
