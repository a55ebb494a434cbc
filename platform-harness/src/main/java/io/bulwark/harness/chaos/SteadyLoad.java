package io.bulwark.harness.chaos;

import io.bulwark.harness.client.OrderRequest;
import io.bulwark.harness.http.HttpJson;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A steady order load through the gateway, as a customer: orders at a set rate, each with its own
 * idempotency key, sent again with the same key until the platform acknowledges it (201), as a
 * careful client does. It keeps every acknowledged order, so that after a fault it can tell how
 * long orders went unacknowledged and, once stopped, whether every acknowledged order is still
 * there.
 */
public final class SteadyLoad {

  /** The SKU the load orders, stocked when the load starts. */
  public static final String SKU = "CHAOS-1";

  private static final Pattern STATUS = Pattern.compile("\"status\"\\s*:\\s*\"([A-Z]+)\"");

  /** An acknowledged order: when its first attempt was sent and when it was acknowledged. */
  record Acknowledged(String id, Instant sent, Instant at) {}

  /**
   * What the check after a stop found: of the acknowledged orders, how many exist, how many are
   * lost (not found), and how many have concluded; the first lost ones by id.
   */
  public record Check(
      Instant at, long acknowledged, long found, long lost, long concluded, List<String> lostIds) {}

  /**
   * The load's figures.
   *
   * @param perSecond orders acknowledged per second over the last five seconds
   * @param longestWaitMs the longest an order waited for its acknowledgement, retries included
   * @param failedAttempts attempts answered with a failure or none, each sent again
   */
  public record Stats(
      boolean running,
      int ratePerSecond,
      @Nullable Instant startedAt,
      long acknowledged,
      long failedAttempts,
      double perSecond,
      long longestWaitMs,
      @Nullable Check check) {}

  private final HttpJson customer;
  private final HttpJson operator;
  private final Clock clock;
  private final ConcurrentLinkedQueue<Acknowledged> acknowledged = new ConcurrentLinkedQueue<>();
  private final AtomicLong failedAttempts = new AtomicLong();
  private final AtomicLong longestWait = new AtomicLong();
  private final List<Thread> workers = new ArrayList<>();
  private volatile boolean running;
  private volatile int rate;
  private volatile @Nullable Instant startedAt;
  private volatile @Nullable Check check;

  /**
   * @param customer the gateway, with a customer's token
   * @param operator the gateway, with the operator's token (to stock the SKU and read the orders)
   */
  public SteadyLoad(HttpJson customer, HttpJson operator, Clock clock) {
    this.customer = customer;
    this.operator = operator;
    this.clock = clock;
  }

  /** Starts the load at {@code ratePerSecond} orders a second, over four senders. */
  public synchronized void start(int ratePerSecond) {
    if (running) {
      return;
    }
    HttpJson.Response stocked = operator.put("/api/inventory/" + SKU, "{\"available\": 10000000}");
    if (stocked.status() != 200) {
      throw new IllegalStateException(
          "cannot stock " + SKU + ": " + stocked.status() + " " + stocked.body());
    }
    acknowledged.clear();
    failedAttempts.set(0);
    longestWait.set(0);
    check = null;
    rate = ratePerSecond;
    startedAt = clock.instant();
    running = true;
    int senders = 4;
    long pause = Math.max(1, 1000L * senders / ratePerSecond);
    workers.clear();
    for (int i = 0; i < senders; i++) {
      Thread worker = new Thread(() -> send(pause), "chaos-load-" + i);
      worker.setDaemon(true);
      worker.start();
      workers.add(worker);
    }
  }

  /** Stops the load, waits for the orders in flight, then checks every acknowledged order. */
  public Check stop() {
    List<Thread> stopping;
    synchronized (this) {
      running = false;
      stopping = List.copyOf(workers);
    }
    for (Thread worker : stopping) {
      try {
        worker.join(60_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    Check done = check();
    check = done;
    return done;
  }

  /** Stops sending, without waiting or checking (the platform is stopping). */
  public void halt() {
    running = false;
  }

  public boolean running() {
    return running;
  }

  public Stats stats() {
    Instant now = clock.instant();
    Instant recent = now.minusSeconds(5);
    long lastFive = acknowledged.stream().filter(a -> a.at().isAfter(recent)).count();
    return new Stats(
        running,
        rate,
        startedAt,
        acknowledged.size(),
        failedAttempts.get(),
        lastFive / 5.0,
        longestWait.get(),
        check);
  }

  /**
   * How long after {@code fault} the first order sent after it was acknowledged: the outage a
   * client saw; null while none has been.
   */
  public @Nullable Duration firstAcknowledgedAfter(Instant fault) {
    return acknowledged.stream()
        .filter(a -> !a.sent().isBefore(fault))
        .map(Acknowledged::at)
        .min(Instant::compareTo)
        .map(at -> Duration.between(fault, at))
        .orElse(null);
  }

  private void send(long pause) {
    while (running) {
      long started = System.nanoTime();
      place();
      long left = pause - Duration.ofNanos(System.nanoTime() - started).toMillis();
      if (left > 0 && running) {
        sleep(left);
      }
    }
  }

  /** One order, sent until acknowledged, or until the load stops (then it is not counted). */
  private void place() {
    String key = UUID.randomUUID().toString();
    Instant sent = clock.instant();
    String body = OrderRequest.of(SKU, 1).json();
    while (running) {
      try {
        HttpJson.Response response = customer.postWithKey("/api/orders", body, key);
        if (response.status() == 201 || response.status() == 200) {
          String location = response.header("Location");
          String id = location == null ? "" : location.substring(location.lastIndexOf('/') + 1);
          Instant at = clock.instant();
          acknowledged.add(new Acknowledged(id, sent, at));
          longestWait.accumulateAndGet(Duration.between(sent, at).toMillis(), Math::max);
          return;
        }
      } catch (RuntimeException e) {
        // no answer (a connection refused or timed out): sent again with the same key
      }
      failedAttempts.incrementAndGet();
      sleep(100);
    }
  }

  /** Reads every acknowledged order as the operator. */
  private Check check() {
    long found = 0;
    long concluded = 0;
    List<String> lost = new ArrayList<>();
    for (Acknowledged order : acknowledged) {
      HttpJson.Response response = readWithRetries(order.id());
      if (response.status() == 200) {
        found++;
        Matcher status = STATUS.matcher(response.body());
        if (status.find() && !"PENDING".equals(status.group(1))) {
          concluded++;
        }
      } else if (response.status() == 404) {
        lost.add(order.id());
      }
    }
    return new Check(
        clock.instant(),
        acknowledged.size(),
        found,
        lost.size(),
        concluded,
        lost.subList(0, Math.min(10, lost.size())));
  }

  private HttpJson.Response readWithRetries(String id) {
    HttpJson.Response response = null;
    for (int attempt = 0; attempt < 20; attempt++) {
      try {
        response = operator.get("/api/orders/" + id);
        if (response.status() == 200 || response.status() == 404) {
          return response;
        }
      } catch (RuntimeException e) {
        // the platform still recovering: read again
      }
      sleep(500);
    }
    return response != null ? response : new HttpJson.Response(599, java.util.Map.of(), "");
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
