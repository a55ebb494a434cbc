package io.bulwark.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.bulwark.harness.Await;
import io.bulwark.harness.auth.Identities;
import io.bulwark.harness.http.HttpJson;
import io.bulwark.harness.platform.PlatformLauncher.Instance;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * What the console's health page costs the platform. Ten pages open at once (ten streams of the
 * operator's, as ten browsers hold) share the gateway's one sampler: over a window it takes at most
 * one sample per interval, as with one page, and every page gets each of them; with no page open it
 * takes none. The CPU that the gateway and the services spent over the same window with no page,
 * one and ten is printed: a measurement for the record, not a check.
 */
@SystemTest(shared = true)
class ConsoleCostSystemTests {

  private static final Duration WINDOW = Duration.ofSeconds(20);
  private static final Duration INTERVAL = Duration.ofSeconds(2);
  private static final long TICKS_PER_SECOND = 100;

  private static Platform platform;

  @Test
  void tenOpenHealthPagesShareOneSamplerAndEachGetsEverySample() throws Exception {
    // pages of earlier tests are gone: their streams end at the next sample they cannot take
    Await.until(() -> metric("bulwark.console.pages") == 0)
        .every(Duration.ofMillis(500))
        .within(Duration.ofSeconds(30));
    Map<String, Long> idle = new LinkedHashMap<>();
    long samplesIdle = window(idle);
    assertThat(samplesIdle).as("no page open: nothing sampled").isZero();

    List<Page> pages = new ArrayList<>();
    try {
      pages.add(Page.open());
      Map<String, Long> onePage = new LinkedHashMap<>();
      long samplesOne = window(onePage);
      for (int i = 1; i < 10; i++) {
        pages.add(Page.open());
      }
      Await.until(() -> metric("bulwark.console.pages") == 10)
          .every(Duration.ofMillis(200))
          .within(Duration.ofSeconds(30));
      List<Integer> before = pages.stream().map(Page::received).toList();
      Map<String, Long> tenPages = new LinkedHashMap<>();
      long samplesTen = window(tenPages);
      List<Integer> got = new ArrayList<>();
      for (int i = 0; i < pages.size(); i++) {
        got.add(pages.get(i).received() - before.get(i));
      }

      long most = WINDOW.dividedBy(INTERVAL) + 2;
      assertThat(samplesOne).as("one page: one sample per interval").isBetween(1L, most);
      assertThat(samplesTen).as("ten pages: still one sample per interval").isBetween(1L, most);
      assertThat(got)
          .as("every page got every sample taken in the window")
          .allSatisfy(
              received -> assertThat(received).isGreaterThanOrEqualTo((int) samplesTen - 1));
      System.out.printf(
          "console: CPU ms over %d s (gateway and each service instance): no page %s; one page %s"
              + " (%d samples); ten pages %s (%d samples)%n",
          WINDOW.toSeconds(), idle, onePage, samplesOne, tenPages, samplesTen);
    } finally {
      pages.forEach(Page::close);
    }
  }

  /** Waits out the window; fills {@code cpu} with each process's CPU in it; the samples taken. */
  private static long window(Map<String, Long> cpu) throws InterruptedException {
    Map<String, Instance> processes = new LinkedHashMap<>();
    processes.put("gateway", platform.gatewayInstance());
    platform.orderInstances.forEach(instance -> processes.put(instance.name(), instance));
    platform.inventoryInstances.forEach(instance -> processes.put(instance.name(), instance));
    Map<String, Long> start = new LinkedHashMap<>();
    processes.forEach((name, instance) -> start.put(name, cpuMillis(instance)));
    double samples = metric("bulwark.console.samples");
    Thread.sleep(WINDOW.toMillis());
    long taken = Math.round(metric("bulwark.console.samples") - samples);
    processes.forEach((name, instance) -> cpu.put(name, cpuMillis(instance) - start.get(name)));
    return taken;
  }

  /** The process's CPU time so far, user and system, from {@code /proc}. */
  private static long cpuMillis(Instance instance) {
    try {
      String stat =
          Files.readString(Path.of("/proc", String.valueOf(instance.process().pid()), "stat"));
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      // utime and stime: fields 14 and 15 of the line, 12 and 13 after the name
      long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
      return ticks * 1000 / TICKS_PER_SECOND;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The health pages' figure of the metric (the flow pages have their own). */
  private static double metric(String name) {
    HttpJson.Response response =
        platform.gatewayManagement().get("/actuator/metrics/" + name + "?tag=page:health");
    assertThat(response.status()).as(response.body()).isEqualTo(200);
    return JsonMapper.shared()
        .readTree(response.body())
        .get("measurements")
        .get(0)
        .get("value")
        .asDouble();
  }

  /** One open health page: the operator's stream, its events counted as they arrive. */
  private record Page(InputStream body, AtomicInteger events, Thread reader) {

    static Page open() throws IOException, InterruptedException {
      HttpRequest request =
          HttpRequest.newBuilder(URI.create(platform.gateway() + "/console/health/stream"))
              .header("Accept", "text/event-stream")
              .header("Authorization", "Bearer " + platform.tokens().forUser(Identities.OPERATOR))
              .GET()
              .build();
      HttpResponse<InputStream> response =
          HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofInputStream());
      assertThat(response.statusCode()).isEqualTo(200);
      AtomicInteger events = new AtomicInteger();
      Thread reader =
          new Thread(
              () -> {
                try (BufferedReader lines =
                    new BufferedReader(
                        new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                  for (String line; (line = lines.readLine()) != null; ) {
                    if (line.startsWith("event:health")) {
                      events.incrementAndGet();
                    }
                  }
                } catch (IOException closed) {
                  // the page was closed
                }
              },
              "console-page");
      reader.setDaemon(true);
      reader.start();
      return new Page(response.body(), events, reader);
    }

    int received() {
      return events.get();
    }

    void close() {
      try {
        body.close();
      } catch (IOException ignored) {
        // closing a stream the server ended
      }
      reader.interrupt();
    }
  }
}
