package io.bulwark.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.bulwark.harness.auth.Identities;
import io.bulwark.harness.client.OrderRequest;
import io.bulwark.harness.client.PlatformClient;
import io.bulwark.harness.http.HttpJson;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The operator's console in a real Chromium, against the running platform: the operator signs in,
 * finds a record the order service gave up on among its dead letters, redrives it, reads it and
 * discards it for a reason that the audit log then shows; the health page shows the platform and a
 * new dead letter live; the flow page shows an order and its timeline; the chaos page freezes an
 * instance under load and checks that nothing acknowledged was lost; a customer who signs in is
 * refused the console, even when typing its address. Skipped, saying so, without Debian's {@code
 * chromium} and {@code chromium-driver}; screenshots in {@code target/screenshots/}.
 */
@SystemTest(shared = true)
@EnabledIf(
    value = "io.bulwark.system.Chromium#available",
    disabledReason = "needs /usr/bin/chromium and /usr/bin/chromedriver (chromium-driver)")
class OperatorConsoleSystemTests {

  private static final JsonMapper JSON = JsonMapper.shared();
  private static final Duration SHOWN = Duration.ofSeconds(60);

  private static Platform platform;
  private static HttpJson operator;

  @BeforeAll
  static void operator() {
    operator = platform.client().as(Identities.OPERATOR).http();
  }

  @Test
  void theOperatorRedrivesAPoisonedRecordFromTheConsoleThenDiscardsItForAReason() {
    PoisonedRecord poisoned = PoisonedRecord.send("console");
    String key = poisoned.key();
    long id = poisoned.awaitDeadLetter(operator, SHOWN).get("id").asLong();

    try (Chromium browser =
        Chromium.signedIn(platform, "/console/", Identities.OPERATOR, Chromium.Size.DESKTOP)) {
      assertThat(browser.find("h1").getText()).isEqualTo("Recovery");
      WebElement row = letterRow(browser, id);
      assertThat(row.getText()).contains("bulwark.inventory.events");
      browser.screenshot("console-recovery");

      String outcome = redrive(browser, "order-service", id);
      assertThat(outcome).as("a record that is no event fails again").isEqualTo("FAILED");
      assertThat(browser.find("#message").getText()).contains("dead letter " + id, "FAILED");

      clickInRow(browser, id, "Inspect");
      browser.await(SHOWN, d -> d.findElement(By.id("detail")).isDisplayed() ? d : null);
      assertThat(browser.find("#detail-payload").getText()).contains(key);
      browser.find("#reason").sendKeys("poisoned on purpose by a browser test");
      browser.screenshot("console-dead-letter-inspected");
      browser.find("#discard-button").click();

      browser.await(
          SHOWN,
          d ->
              d.findElements(By.cssSelector(rowSelector(id))).isEmpty()
                      && d.findElement(By.id("audit"))
                          .getText()
                          .contains("discarded: poisoned on purpose by a browser test")
                  ? d
                  : null);
    }
    JsonNode letter = json(operator.get("/api/ops/order-service/dead-letters/" + id));
    assertThat(letter.get("status").asString()).isEqualTo("DISCARDED");
  }

  /**
   * Many records at once: the operator selects two dead letters and redrives them, then redrives
   * every open one of a topic whose error matches, each time following the job's progress to its
   * end (records that are no event fail again, and stay open); the audit log records both.
   */
  @Test
  void theOperatorRedrivesASelectionThenEveryRecordMatchingAFilterAndFollowsTheirProgress() {
    long first =
        PoisonedRecord.send("selected").awaitDeadLetter(operator, SHOWN).get("id").asLong();
    long second =
        PoisonedRecord.send("selected").awaitDeadLetter(operator, SHOWN).get("id").asLong();

    try (Chromium browser =
        Chromium.signedIn(platform, "/console/", Identities.OPERATOR, Chromium.Size.DESKTOP)) {
      for (long id : new long[] {first, second}) {
        browser.await(
            SHOWN,
            d -> {
              try {
                WebElement box = letterRow(browser, id).findElement(By.cssSelector("input"));
                if (!box.isSelected()) {
                  box.click();
                }
                return box.isSelected() ? d : null;
              } catch (org.openqa.selenium.StaleElementReferenceException redrawn) {
                return null;
              }
            });
      }
      WebElement redrive = browser.find("#service-order-service .redrive-selected");
      assertThat(redrive.getText()).isEqualTo("Redrive 2 selected");
      redrive.click();
      String selection = awaitJobDone(browser);
      assertThat(selection)
          .contains("2 of 2 done", "FAILED 2", "ids [" + first + ", " + second + "]");
      browser.screenshot("console-recovery-selection-redriven");

      browser.find("#order-service-topic").sendKeys("bulwark.inventory.events");
      browser.find("#order-service-error").sendKeys("Malformed");
      browser.find("#order-service-rate").sendKeys("20");
      browser.find("#service-order-service .redrive-matching").click();
      String matching =
          browser.await(
              SHOWN,
              d -> {
                String text = awaitJobDone(browser);
                return text.contains("filter") ? text : null;
              });
      java.util.regex.Matcher done =
          java.util.regex.Pattern.compile("(\\d+) of (\\d+) done").matcher(matching);
      assertThat(done.find()).as(matching).isTrue();
      assertThat(done.group(1)).isEqualTo(done.group(2));
      assertThat(Integer.parseInt(done.group(2))).as("ours among them").isGreaterThanOrEqualTo(2);
      assertThat(matching).contains("topic=bulwark.inventory.events", "error=Malformed");
      browser.screenshotWholePage("console-recovery-filter-redriven");
      browser.await(
          SHOWN,
          d -> d.findElement(By.id("audit")).getText().contains("filter status=OPEN") ? d : null);
    }
  }

  /**
   * The order service's card's redrive job once done: what its progress line says, read in one step
   * with its state (the page may start the next job between two reads).
   */
  private static String awaitJobDone(Chromium browser) {
    return browser.await(
        SHOWN,
        d ->
            (String)
                browser.script(
                    "const job = document.querySelector('#service-order-service .job');"
                        + " return job.dataset.done === 'true'"
                        + " ? job.querySelector('.job-status').textContent : null;"));
  }

  /**
   * Reconciliation from the recovery page: the operator asks for a check, which order-service runs
   * at once (one at a time: asked while a periodic one runs, the operator asks again); the page
   * lists it as asked for by the operator, with what it found, and the audit log records it.
   */
  @Test
  void theOperatorRunsAReconciliationFromTheConsoleAndSeesWhatItFound() {
    try (Chromium browser =
        Chromium.signedIn(platform, "/console/", Identities.OPERATOR, Chromium.Size.DESKTOP)) {
      String said =
          browser.await(
              SHOWN,
              d -> {
                String shown = d.findElement(By.id("message")).getText();
                if (shown.startsWith("Check ")) {
                  return shown;
                }
                if (shown.isEmpty() || shown.startsWith("No check was run")) {
                  d.findElement(By.id("reconcile")).click();
                }
                return null;
              });
      java.util.regex.Matcher check =
          java.util.regex.Pattern.compile("^Check (\\d+): ").matcher(said);
      assertThat(check.find()).as(said).isTrue();
      String id = check.group(1);

      String row =
          browser.await(
              SHOWN,
              d ->
                  d
                      .findElements(By.cssSelector("#reconciliations tr[data-id='" + id + "']"))
                      .stream()
                      .findFirst()
                      .map(WebElement::getText)
                      .orElse(null));
      assertThat(row).contains("on demand");
      assertThat(browser.find("#findings").getText())
          .as("the latest check's findings, or that it found none")
          .containsAnyOf("Check " + id + " found no drift.", "needs a decision", "released");
      browser.await(
          SHOWN, d -> d.findElement(By.id("audit")).getText().contains("reconcile") ? d : null);
      browser.screenshot("console-reconciliation");

      JsonNode run = json(operator.get("/api/ops/order-service/reconciliations/" + id));
      assertThat(run.get("trigger").asString()).isEqualTo("on demand");
    }
  }

  /**
   * The health page draws what the gateway's one sampler streams: every instance ready, the routes'
   * breakers closed, each service's database primary and Kafka brokers with their consumer lag; and
   * a dead letter recorded while the page is open appears on it without a reload.
   */
  @Test
  void theHealthPageShowsThePlatformAndADeadLetterAsItArrivesWithoutAReload() {
    try (Chromium browser =
        Chromium.signedIn(
            platform, "/console/health", Identities.OPERATOR, Chromium.Size.DESKTOP)) {
      assertThat(browser.find("h1").getText()).isEqualTo("Health");
      String instances =
          browser.await(
              SHOWN,
              d -> {
                String text = d.findElement(By.id("instances")).getText();
                return text.contains("order-service-1") && text.contains("inventory-service-1")
                    ? text
                    : null;
              });
      assertThat(instances).contains("auth-server", "ready").doesNotContain("unreachable");
      assertThat(browser.find("#breakers").getText()).contains("orders", "inventory", "CLOSED");
      assertThat(browser.find("#breakers").getText()).contains("ops-orders", "ops-inventory");
      assertThat(browser.find("#rate-limit").getText()).contains("requests per");
      String orders =
          browser.await(
              SHOWN,
              d -> {
                String text = d.findElement(By.id("service-order-service")).getText();
                return text.contains("Brokers answering") ? text : null;
              });
      assertThat(orders).contains("(primary)", "Timeline", "Consumer lag");
      assertThat(orders)
          .as("each broker by its id and address, not a bare number")
          .containsPattern("Brokers answering\\s+broker \\d+ at [^:\\s]+:\\d+");
      long before = openDeadLetters(browser);
      browser.script("window.sameDocument = true");
      String firstSample =
          (String) browser.script("return document.getElementById('live').dataset.at");

      PoisonedRecord.send("health").awaitDeadLetter(operator, SHOWN);

      long after =
          browser.await(
              SHOWN, d -> openDeadLetters(browser) > before ? openDeadLetters(browser) : null);
      assertThat(after).isEqualTo(before + 1);
      assertThat(browser.find("#service-order-service .lag").getText())
          .as("the group's lag on the topic it consumed the record from")
          .contains("order-service", "bulwark.inventory.events");
      assertThat(browser.script("return window.sameDocument === true"))
          .as("the same page, never reloaded")
          .isEqualTo(true);
      assertThat(browser.script("return document.getElementById('live').dataset.at"))
          .as("later samples drawn")
          .isNotEqualTo(firstSample);
      browser.screenshotWholePage("console-health");
    }
  }

  /**
   * The flow page: an order a customer placed through the gateway is counted among the requests
   * this gateway answered and listed among the latest orders; its timeline shows every step of its
   * saga across both services, each with the instance that took it, its trace and the idempotency
   * key it was placed with.
   */
  @Test
  void theFlowPageShowsAPlacedOrderAndItsTimelineFromRequestToConclusion() {
    PlatformClient customer = platform.client();
    customer.setStock("FLOW-1", 1_000);
    String key = java.util.UUID.randomUUID().toString();
    HttpJson.Response placed = customer.placeOrder(OrderRequest.of("FLOW-1", 2), key);
    assertThat(placed.status()).as(placed.body()).isEqualTo(201);
    String id = placed.header("Location").substring("/api/orders/".length());
    assertThat(customer.awaitConcluded(id, SHOWN)).isEqualTo("CONFIRMED");

    try (Chromium browser =
        Chromium.signedIn(platform, "/console/flow", Identities.OPERATOR, Chromium.Size.DESKTOP)) {
      assertThat(browser.find("h1").getText()).isEqualTo("Flow");
      By row = By.cssSelector("#latest tr[data-id='" + id + "']");
      WebElement listed =
          browser.await(SHOWN, d -> d.findElements(row).stream().findFirst().orElse(null));
      assertThat(listed.getText()).contains("customer-1", "CONFIRMED", " ms");
      assertThat(browser.find("#requests-chart .legend").getText())
          .as("this gateway answered the customer's POST")
          .containsPattern("Placed: [1-9]");
      assertThat(browser.find("#saga-latency").getText()).contains("Concluded", "ms");
      assertThat(browser.find("#by-status").getText()).contains("CONFIRMED");
      browser.screenshotWholePage("console-flow");

      browser.await(
          SHOWN,
          d -> {
            try {
              d.findElement(row).findElement(By.tagName("button")).click();
              return d;
            } catch (org.openqa.selenium.StaleElementReferenceException redrawn) {
              return null;
            }
          });
      String timeline =
          browser.await(
              SHOWN,
              d -> {
                String steps = d.findElement(By.id("timeline")).getDomAttribute("data-steps");
                String text = d.findElement(By.id("timeline-steps")).getText();
                return steps != null && text.contains("concluded CONFIRMED") ? text : null;
              });
      assertThat(timeline)
          .contains(
              "Request accepted",
              "Outbox commit: OrderPlaced",
              "Published OrderPlaced to bulwark.orders.events",
              "Consumed by inventory-service: OrderPlaced",
              "Reply committed: ",
              "Reply consumed by order-service: ",
              "on order-service-1",
              "on inventory-service-1");
      assertThat(timeline.indexOf("Request accepted"))
          .isLessThan(timeline.indexOf("Consumed by inventory-service"));
      assertThat(timeline.indexOf("Consumed by inventory-service"))
          .isLessThan(timeline.indexOf("concluded CONFIRMED"));
      String facts = browser.find("#timeline-facts").getText();
      assertThat(facts).contains(key, "first answered 201");
      assertThat(facts).containsPattern("Trace\\s+[0-9a-f]{32}");
      browser.screenshotWholePage("console-order-timeline");
    }
  }

  /**
   * The chaos page against the running platform: the operator starts a steady order load, freezes
   * the order-service instance (every order waits on it), sees how long orders went unacknowledged,
   * sends a poisoned record, then stops the load, whose check finds every acknowledged order there.
   * What this platform does not own (its database servers) is offered disabled, with the reason.
   */
  @Test
  void theOperatorFreezesAnInstanceUnderLoadAndFindsNoAcknowledgedOrderLost() {
    try (Chromium browser =
        Chromium.signedIn(platform, "/console/chaos", Identities.OPERATOR, Chromium.Size.DESKTOP)) {
      assertThat(browser.find("h1").getText()).isEqualTo("Chaos");
      ChaosPage chaos = new ChaosPage(browser);
      WebElement killPrimary = chaos.action("kill-primary");
      assertThat(killPrimary.getText()).contains("Not here: the databases are one server");
      assertThat(killPrimary.findElement(By.tagName("button")).isEnabled()).isFalse();

      chaos.startLoad(20);
      chaos.ask("freeze-instance", Map.of("instance", "order-service-1", "seconds", "5"));
      assertThat(chaos.awaitOutageMillis())
          .as("orders waited on the frozen instance")
          .isGreaterThan(1_000);
      assertThat(browser.find("#fault").getText())
          .contains("Freeze an instance", "ms from the fault");
      chaos.awaitLogged("it runs again");

      chaos.ask("poison", Map.of());
      chaos.awaitLogged("sent a record that is no event");
      chaos.awaitAcknowledged(chaos.acknowledged() + 20);
      browser.screenshotWholePage("console-chaos-under-load");

      assertThat(chaos.stopAndCheck()).contains(" 0 acknowledged orders lost");
      assertThat(chaos.lost()).isEqualTo("0");
      browser.screenshotWholePage("console-chaos-checked");
    }
  }

  /**
   * A record that fails for a while, then would succeed: the operator makes inventory-service fail
   * an order's reservation from the chaos page (its database refuses the SKU's reservation lines
   * for 10 s), so its {@code OrderPlaced} fails every retry and is dead-lettered while the order
   * waits; once the fault is over the operator redrives the dead letter from the recovery page and
   * follows its link to the order's timeline, which shows the failures, the dead letter, the
   * redrive and the saga concluded.
   */
  @Test
  void anOrderInventoryFailedIsDeadLetteredThenRedrivenFromTheConsoleAndItsSagaConcludes() {
    try (Chromium browser =
        Chromium.signedIn(platform, "/console/chaos", Identities.OPERATOR, Chromium.Size.DESKTOP)) {
      ChaosPage chaos = new ChaosPage(browser);
      chaos.ask("fail-reservation", Map.of("seconds", "10"));
      String log = chaos.awaitLogged("it takes reservations again");
      java.util.regex.Matcher failed =
          java.util.regex.Pattern.compile(
                  "order ([0-9a-f-]{36}) \\(CHAOS-FAIL\\): inventory-service failed its"
                      + " OrderPlaced (\\d+) times and dead-lettered it \\(dead letter (\\d+):"
                      + " ([^)]*)")
              .matcher(log);
      assertThat(failed.find()).as(log).isTrue();
      String id = failed.group(1);
      long letter = Long.parseLong(failed.group(3));
      assertThat(Integer.parseInt(failed.group(2)))
          .as("the first delivery and every retry")
          .isGreaterThan(1);
      assertThat(failed.group(4)).contains("reservations of CHAOS-FAIL refused");
      assertThat(orderStatus(id)).as("no reservation made, no answer yet").isEqualTo("PENDING");
      browser.screenshotWholePage("console-chaos-failed-order");

      browser.open(platform.gateway() + "/console/");
      WebElement row = letterRow(browser, "inventory-service", letter);
      assertThat(row.getText()).contains("bulwark.orders.events (OrderPlaced)", "CHAOS-FAIL");
      String outcome = redrive(browser, "inventory-service", letter);
      assertThat(outcome).as(browser.find("#message").getText()).isEqualTo("APPLIED");
      browser.screenshot("console-recovery-redriven");

      browser.find("#message a").click();
      String timeline =
          browser.await(
              SHOWN,
              d -> {
                String text = d.findElement(By.id("timeline-steps")).getText();
                return text.contains("concluded CONFIRMED") ? text : null;
              });
      assertThat(browser.find("#timeline-heading").getText()).isEqualTo("Order " + id);
      assertThat(timeline)
          .contains(
              "Failed in inventory-service: OrderPlaced: ",
              "reservations of CHAOS-FAIL refused",
              "Dead-lettered by inventory-service after " + failed.group(2) + " attempts",
              "Dead letter " + letter + " redriven by an operator: APPLIED",
              "Consumed by inventory-service: OrderPlaced");
      assertThat(timeline.indexOf("Dead-lettered by inventory-service"))
          .isLessThan(timeline.indexOf("Consumed by inventory-service"));
      browser.screenshotWholePage("console-order-timeline-redriven");
    }
  }

  /** Redrives the service's dead letter from its row; the outcome the page shows once it has. */
  private static String redrive(Chromium browser, String service, long id) {
    clickInRow(browser, service, id, "Redrive");
    return browser.await(
        SHOWN,
        d -> {
          String shown = d.findElement(By.id("message")).getDomAttribute("data-outcome");
          return shown == null || shown.isEmpty() ? null : shown;
        });
  }

  /** The order's status as the operator reads it through the gateway. */
  private static String orderStatus(String id) {
    return json(operator.get("/api/orders/" + id)).get("status").asString();
  }

  /** The open dead letters the health page shows for order-service's inventory topic. */
  private static long openDeadLetters(Chromium browser) {
    Object open =
        browser.script(
            "const row = [...document.querySelectorAll('#service-order-service .letters tbody tr')]"
                + ".find(r => r.cells[0].textContent.startsWith('bulwark.inventory.events'));"
                + " return row ? Number(row.cells[1].textContent) : 0;");
    return ((Number) open).longValue();
  }

  /**
   * The page's text, outside the boxes that scroll sideways on purpose (wide tables, the payload),
   * that reaches past the right edge of the screen, clipped or not: at most five pieces.
   */
  private static final String BEYOND_THE_SCREEN =
      "const edge = arguments[0] + 1; const found = [];"
          + " const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);"
          + " const range = document.createRange();"
          + " for (let text = walker.nextNode(); text && found.length < 5; text = walker.nextNode()) {"
          + "   const parent = text.parentElement;"
          + "   if (!text.textContent.trim() || parent.closest('.scroll, pre, .visually-hidden')) {"
          + "     continue; }"
          + "   range.selectNodeContents(text);"
          + "   const right = range.getBoundingClientRect().right;"
          + "   if (right > edge) {"
          + "     found.push(`${Math.round(right)} px: ${text.textContent.trim().slice(0, 40)}`); }"
          + " }"
          + " return found;";

  /**
   * Every console page at a phone's width (390 px): drawn with its data, and nothing wider than the
   * screen (wide tables scroll within their own box, the page itself never sideways).
   */
  @Test
  void everyConsolePageFitsAPhonesWidth() {
    // the elements of each page that have text once the page has drawn what it read
    Map<String, List<String>> drawnWhen =
        Map.of(
            "/console/", List.of("#updated", "#services"),
            "/console/health", List.of("#services", "#instances tbody"),
            "/console/flow", List.of("#latest tbody", "#saga-latency"),
            "/console/chaos", List.of("#actions", "#load-facts", "#live"));
    try (Chromium browser =
        Chromium.signedIn(platform, "/console/", Identities.OPERATOR, Chromium.Size.PHONE)) {
      for (String page :
          List.of("/console/", "/console/health", "/console/flow", "/console/chaos")) {
        browser.open(platform.gateway() + page);
        browser.await(
            SHOWN,
            d ->
                drawnWhen.get(page).stream()
                        .map(css -> d.findElement(By.cssSelector(css)).getText())
                        .allMatch(text -> !text.isBlank() && !text.startsWith("Loading"))
                    ? d
                    : null);
        Number width = (Number) browser.script("return document.documentElement.scrollWidth");
        assertThat(width.longValue())
            .as(page + " is no wider than the screen")
            .isLessThanOrEqualTo(browser.width());
        assertThat(browser.script(BEYOND_THE_SCREEN, browser.width()))
            .as(page + ": what reaches past the screen's edge (clipped or not)")
            .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST)
            .isEmpty();
        String name = page.equals("/console/") ? "recovery" : page.substring("/console/".length());
        browser.screenshotWholePage("console-" + name + "-phone");
      }
    }
  }

  @Test
  void aCustomerIsRefusedTheConsoleEvenWhenTypingItsAddress() {
    try (Chromium browser =
        Chromium.signedIn(platform, "/console/", Identities.CUSTOMER_1, Chromium.Size.DESKTOP)) {
      assertThat(browser.url()).startsWith(platform.gateway() + "/console/");
      assertThat(browser.find("h1").getText()).isEqualTo("Not for you");
      assertThat(browser.find("body").getText()).contains("403").doesNotContain("Recovery");
      browser.screenshot("console-refused-to-a-customer");

      for (String path :
          new String[] {"/console/recovery.js", "/%63onsole/index.html", "/console/health"}) {
        browser.open(platform.gateway() + path);
        assertThat(browser.find("body").getText()).as(path).contains("403");
      }
    }
    HttpJson customer = platform.client().http();
    assertThat(customer.get("/api/ops/order-service/dead-letters").status()).isEqualTo(403);
    assertThat(customer.get("/console/").status()).isEqualTo(403);
  }

  private static String rowSelector(long id) {
    return rowSelector("order-service", id);
  }

  private static String rowSelector(String service, long id) {
    return "#service-" + service + " tr[data-id='" + id + "']";
  }

  /**
   * Clicks the button of the row of dead letter {@code id}: found again if the page redrew the row
   * between finding it and clicking (it redraws a table whose content changed).
   */
  private static void clickInRow(Chromium browser, long id, String button) {
    clickInRow(browser, "order-service", id, button);
  }

  private static void clickInRow(Chromium browser, String service, long id, String button) {
    browser.await(
        SHOWN,
        d -> {
          try {
            letterRow(browser, service, id)
                .findElement(By.xpath(".//button[normalize-space()='" + button + "']"))
                .click();
            return d;
          } catch (org.openqa.selenium.StaleElementReferenceException redrawn) {
            return null;
          }
        });
  }

  /** The console's row of the order service's dead letter {@code id}, once the page shows it. */
  private static WebElement letterRow(Chromium browser, long id) {
    return letterRow(browser, "order-service", id);
  }

  private static WebElement letterRow(Chromium browser, String service, long id) {
    By row = By.cssSelector(rowSelector(service, id));
    return browser.await(SHOWN, d -> d.findElements(row).stream().findFirst().orElse(null));
  }

  private static JsonNode json(HttpJson.Response response) {
    assertThat(response.status()).as(response.body()).isLessThan(300);
    return JSON.readTree(response.body());
  }
}
