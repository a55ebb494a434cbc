package io.bulwark.system;

import java.time.Duration;
import java.util.Map;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/** The console's chaos page, as the browser tests drive it. */
final class ChaosPage {

  private static final Duration SHOWN = Duration.ofSeconds(90);

  /** How long the load's check may take: it reads every acknowledged order. */
  private static final Duration CHECKED = Duration.ofSeconds(180);

  private final Chromium browser;

  ChaosPage(Chromium browser) {
    this.browser = browser;
  }

  /** Starts the steady load and waits until it has {@code orders} acknowledged. */
  void startLoad(long orders) {
    browser.find("#load-start").click();
    awaitAcknowledged(orders);
  }

  void awaitAcknowledged(long orders) {
    browser.await(SHOWN, d -> acknowledged() >= orders ? d : null);
  }

  /** The orders the load had acknowledged, as the page shows them. */
  long acknowledged() {
    Object shown =
        browser.script(
            "const facts = document.getElementById('load-facts').textContent;"
                + " const found = /Acknowledged(\\d+)orders/.exec(facts.replace(/\\s+/g, ''));"
                + " return found ? Number(found[1]) : 0;");
    return ((Number) shown).longValue();
  }

  /** The action's form, once the page has drawn it. */
  WebElement action(String id) {
    return browser.await(
        SHOWN, d -> d.findElement(By.cssSelector("form[data-action='" + id + "']")));
  }

  /** Chooses the action's settings and asks for it, once it may be asked for; waits until begun. */
  void ask(String id, Map<String, String> choices) {
    WebElement form = action(id);
    browser.await(SHOWN, d -> form.findElement(By.tagName("button")).isEnabled() ? d : null);
    choices.forEach(
        (name, value) -> new Select(form.findElement(By.name(name))).selectByVisibleText(value));
    form.findElement(By.tagName("button")).click();
    browser.await(
        SHOWN,
        d -> {
          String outcome = d.findElement(By.id("message")).getDomAttribute("data-outcome");
          return "started".equals(outcome) || "running".equals(outcome) ? d : null;
        });
  }

  /** The latest fault's outage, in milliseconds, once an order sent after it was acknowledged. */
  long awaitOutageMillis() {
    String outage =
        browser.await(
            SHOWN,
            d -> {
              String figure = d.findElement(By.id("fault")).getDomAttribute("data-outage");
              return figure == null || figure.isEmpty() ? null : figure;
            });
    return Long.parseLong(outage);
  }

  /** Waits until the agent's log says this; the whole log as the page shows it. */
  String awaitLogged(String text) {
    return browser.await(
        SHOWN,
        d -> {
          String log = d.findElement(By.id("log")).getText();
          return log.contains(text) ? log : null;
        });
  }

  /** Stops the load and waits for its check; what the page says of it. */
  String stopAndCheck() {
    browser.find("#load-stop").click();
    return browser.await(
        CHECKED,
        d -> {
          WebElement check = d.findElement(By.id("check"));
          return check.getDomAttribute("data-lost") != null ? check.getText() : null;
        });
  }

  /** How many acknowledged orders the check found lost, as the page marks it. */
  String lost() {
    return browser.find("#check").getDomAttribute("data-lost");
  }
}
