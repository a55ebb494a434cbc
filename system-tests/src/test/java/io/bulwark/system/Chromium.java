package io.bulwark.system;

import io.bulwark.harness.process.Directories;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.function.Function;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The machine's Chromium, headless, driven through its own chromedriver (Debian's {@code chromium}
 * and {@code chromium-driver}): nothing is downloaded. Each instance is a fresh browser with a
 * profile of its own, so no session leaks from one user to the next; screenshots go to {@code
 * target/screenshots/}.
 */
final class Chromium implements AutoCloseable {

  static final Path BINARY = Path.of("/usr/bin/chromium");
  static final Path DRIVER = Path.of("/usr/bin/chromedriver");
  static final Path SCREENSHOTS = Path.of("target", "screenshots");

  /** A laptop's screen, and a phone's. */
  enum Size {
    DESKTOP(1280, 800),
    PHONE(390, 844);

    final int width;
    final int height;

    Size(int width, int height) {
      this.width = width;
      this.height = height;
    }
  }

  private final ChromeDriver driver;
  private final Path profile;
  private final Size size;

  private Chromium(ChromeDriver driver, Path profile, Size size) {
    this.driver = driver;
    this.profile = profile;
    this.size = size;
    // the viewport set exactly: a headless window is never narrower than 500 px, wider than a phone
    viewport(size.height);
  }

  /** Whether this machine has both the browser and its driver (JUnit's condition). */
  static boolean available() {
    return Files.isExecutable(BINARY) && Files.isExecutable(DRIVER);
  }

  static Chromium start(Size size) {
    try {
      Path profile = Files.createTempDirectory("bulwark-chromium");
      ChromeOptions options = new ChromeOptions();
      options.setBinary(BINARY.toFile());
      options.addArguments(
          "--headless=new",
          "--no-sandbox",
          "--disable-gpu",
          "--disable-dev-shm-usage",
          "--disable-background-networking",
          "--disable-component-update",
          "--disable-sync",
          "--no-first-run",
          "--user-data-dir=" + profile,
          "--window-size=" + size.width + "," + size.height);
      ChromeDriverService service =
          new ChromeDriverService.Builder()
              .usingDriverExecutable(DRIVER.toFile())
              .usingAnyFreePort()
              .build();
      return new Chromium(new ChromeDriver(service, options), profile, size);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  void open(String url) {
    driver.get(url);
  }

  String url() {
    return driver.getCurrentUrl();
  }

  /** Runs {@code script} in the page and gives what it returns; {@code arguments[i]} are these. */
  Object script(String script, Object... arguments) {
    return driver.executeScript(script, arguments);
  }

  /** The screen's width, in CSS pixels. */
  int width() {
    return size.width;
  }

  WebElement find(String css) {
    return driver.findElement(By.cssSelector(css));
  }

  /** Waits (up to {@code timeout}) until {@code condition} gives something, and gives it. */
  <T> T await(Duration timeout, Function<WebDriver, T> condition) {
    try {
      return new WebDriverWait(driver, timeout, Duration.ofMillis(100)).until(condition::apply);
    } catch (org.openqa.selenium.TimeoutException e) {
      // what the page showed instead, so that a failure says more than that time ran out
      Path shot = screenshot("await-failed-" + System.currentTimeMillis());
      String shown = driver.findElement(By.tagName("body")).getText();
      throw new AssertionError(
          "not shown within "
              + timeout
              + " at "
              + url()
              + " ("
              + shot
              + "); the page said:\n"
              + shown.substring(0, Math.min(shown.length(), 3_000)),
          e);
    }
  }

  /** Signs in at the issuer's login form, where the platform has sent this browser. */
  void signIn(String user, String password) {
    await(Duration.ofSeconds(30), d -> d.findElements(By.name("username")).isEmpty() ? null : d);
    find("input[name=username]").sendKeys(user);
    find("input[name=password]").sendKeys(password);
    find("button[type=submit]").click();
  }

  /**
   * A fresh browser that opened {@code path} on the platform's gateway, was sent to the issuer's
   * login form, signed in as {@code user}, and came back to the gateway; a screenshot of where it
   * was when that failed.
   */
  static Chromium signedIn(Platform platform, String path, String user, Size size) {
    Chromium browser = start(size);
    try {
      browser.open(platform.gateway() + path);
      if (!browser.url().startsWith(platform.issuer())) {
        throw new AssertionError("not sent to sign in but to " + browser.url());
      }
      browser.signIn(user, platform.identities().password(user));
      browser.await(
          Duration.ofSeconds(30), d -> d.getCurrentUrl().startsWith(platform.gateway()) ? d : null);
      return browser;
    } catch (RuntimeException | AssertionError e) {
      browser.screenshot("sign-in-failed-" + user);
      browser.close();
      throw e;
    }
  }

  /** Saves what the browser shows now as {@code target/screenshots/<name>.png}. */
  Path screenshot(String name) {
    try {
      Files.createDirectories(SCREENSHOTS);
      Path file = SCREENSHOTS.resolve(name + ".png");
      Files.move(
          driver.getScreenshotAs(OutputType.FILE).toPath(),
          file,
          StandardCopyOption.REPLACE_EXISTING);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The same for the whole page, however long: the viewport is made as tall as the page for the
   * screenshot, then given its height back.
   */
  Path screenshotWholePage(String name) {
    long height = ((Number) script("return document.documentElement.scrollHeight")).longValue();
    viewport((int) Math.max(height, size.height));
    try {
      return screenshot(name);
    } finally {
      viewport(size.height);
    }
  }

  /** The page's viewport: the size's width (a phone's as a phone, with touch), this height. */
  private void viewport(int height) {
    driver.executeCdpCommand(
        "Emulation.setDeviceMetricsOverride",
        java.util.Map.of(
            "width",
            size.width,
            "height",
            height,
            "deviceScaleFactor",
            1,
            "mobile",
            size == Size.PHONE));
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      try {
        Directories.delete(profile);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
