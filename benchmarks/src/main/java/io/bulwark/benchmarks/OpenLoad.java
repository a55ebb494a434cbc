package io.bulwark.benchmarks;

import io.bulwark.harness.client.OrderRequest;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Order load at a fixed arrival rate (an open model): request i is due at start + i / rate, whether
 * or not earlier ones have been answered, and its latency counts from when it was due, so a stall
 * shows as latency instead of as fewer requests (no coordinated omission). Every order has its own
 * {@code Idempotency-Key}; a share of them is sent a second time with the same key once answered,
 * as a client retrying would, and those replays are recorded apart. {@link #closedLoop} is the
 * other model, for throughput: a fixed number of clients, each sending its next order once the last
 * is answered.
 *
 * <p>Each order starts its own trace, sampled (the platform's default: every span recorded and
 * exported) or, from {@link #unsampled()}, not: the request then brings a {@code traceparent} whose
 * sampled flag is off, so the trace context still travels through the platform, the outbox and
 * Kafka, but no span is recorded or exported.
 */
final class OpenLoad {

  /** One request: when it was due, sent and answered (nanoTime), and how it ended. */
  record Outcome(
      long dueNanos,
      long sentNanos,
      long doneNanos,
      String kind,
      boolean replay,
      @Nullable String orderId) {

    boolean accepted() {
      return kind.equals("201");
    }

    double latencyMillis() {
      return (doneNanos - (replay ? sentNanos : dueNanos)) / 1e6;
    }
  }

  private final HttpClient http;
  private final String base;
  private final List<String> skus;
  private final Supplier<String> token;
  private final boolean sampled;

  /**
   * Orders to {@code base} as one signed-in customer ({@code token}); the benchmark's local run
   * lifts the gateway's per-caller rate limit, which is not what is measured.
   */
  OpenLoad(String base, List<String> skus, Supplier<String> token) {
    this(
        base,
        skus,
        token,
        true,
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build());
  }

  private OpenLoad(
      String base, List<String> skus, Supplier<String> token, boolean sampled, HttpClient http) {
    this.base = base;
    this.skus = skus;
    this.token = token;
    this.sampled = sampled;
    this.http = http;
  }

  /** The same load, each order's trace not sampled. */
  OpenLoad unsampled() {
    return new OpenLoad(base, skus, token, false, http);
  }

  /**
   * {@code clients} clients, each sending an order, awaiting its answer and sending the next, for
   * {@code duration}; returns every outcome, each due when it was sent.
   */
  List<Outcome> closedLoop(int clients, Duration duration) throws InterruptedException {
    ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
    long end = System.nanoTime() + duration.toNanos();
    ExecutorService senders = Executors.newFixedThreadPool(clients);
    try {
      for (int i = 0; i < clients; i++) {
        senders.execute(
            () -> {
              while (System.nanoTime() < end) {
                send(System.nanoTime(), false, outcomes);
              }
            });
      }
    } finally {
      senders.shutdown();
      senders.awaitTermination(duration.toSeconds() + 60, TimeUnit.SECONDS);
    }
    return new ArrayList<>(outcomes);
  }

  /** Sends orders at {@code rate} per second for {@code duration}; returns every outcome. */
  List<Outcome> run(double rate, Duration duration, double replayShare)
      throws InterruptedException {
    ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
    long count = Math.round(rate * duration.toNanos() / 1e9);
    double interval = 1e9 / rate;
    // a thread per request in flight (Java 17: no virtual threads), so none waits for another
    ExecutorService senders = Executors.newCachedThreadPool();
    try {
      long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50);
      for (long i = 0; i < count; i++) {
        long due = start + Math.round(i * interval);
        long wait;
        while ((wait = due - System.nanoTime()) > 0) {
          LockSupport.parkNanos(wait);
        }
        boolean replay = ThreadLocalRandom.current().nextDouble() < replayShare;
        senders.execute(() -> send(due, replay, outcomes));
      }
    } finally {
      senders.shutdown();
      senders.awaitTermination(2, TimeUnit.MINUTES);
    }
    return new ArrayList<>(outcomes);
  }

  private void send(long due, boolean replay, ConcurrentLinkedQueue<Outcome> outcomes) {
    String key = UUID.randomUUID().toString();
    String sku = skus.get(ThreadLocalRandom.current().nextInt(skus.size()));
    String body = OrderRequest.of(sku, 1).json();
    Outcome first = post(due, key, body, false);
    outcomes.add(first);
    if (replay && first.accepted()) {
      outcomes.add(post(System.nanoTime(), key, body, true));
    }
  }

  private Outcome post(long due, String key, String body, boolean replay) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + "/api/orders"))
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/json")
            .header("Idempotency-Key", key)
            .header("Authorization", "Bearer " + token.get())
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (!sampled) {
      request.header("traceparent", "00-" + hex(16) + "-" + hex(8) + "-00");
    }
    long sent = System.nanoTime();
    String kind;
    @Nullable String orderId = null;
    try {
      HttpResponse<String> response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      kind = String.valueOf(response.statusCode());
      if (response.statusCode() == 201) {
        String location = response.headers().firstValue("Location").orElse("");
        orderId = location.substring(location.lastIndexOf('/') + 1);
      }
    } catch (HttpTimeoutException e) {
      kind = "timeout";
    } catch (IOException e) {
      kind = "io-error";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      kind = "interrupted";
    }
    return new Outcome(due, sent, System.nanoTime(), kind, replay, orderId);
  }

  private static String hex(int bytes) {
    byte[] random = new byte[bytes];
    ThreadLocalRandom.current().nextBytes(random);
    return HexFormat.of().formatHex(random);
  }
}
