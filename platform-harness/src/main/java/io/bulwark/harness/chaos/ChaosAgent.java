package io.bulwark.harness.chaos;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The chaos agent: an HTTP server on the loopback interface, in the process that started the
 * platform, that does the faults the console's chaos page asks for. Only the gateway talks to it,
 * with a token made here (the gateway decides who may ask: the operator); it answers nothing
 * without the token.
 *
 * <ul>
 *   <li>{@code GET /state}: the actions (each available or why not), the running action, the load's
 *       figures, the outage of the latest fault under load, and the log;
 *   <li>{@code POST /actions/{id}} with the action's choices as a JSON object: starts it ({@code
 *       202}), one action at a time ({@code 409} while another runs);
 *   <li>{@code POST /load/start} ({@code {"ratePerSecond": 20}}) and {@code POST /load/stop}, which
 *       answers once every acknowledged order has been checked.
 * </ul>
 */
public final class ChaosAgent implements AutoCloseable {

  /** The header that carries the token. */
  public static final String TOKEN_HEADER = "X-Chaos-Token";

  private static final JsonMapper JSON = JsonMapper.shared();
  private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {};

  /** An action as {@code /state} shows it. */
  record ActionView(
      String id,
      String title,
      String description,
      List<ChaosAction.Param> params,
      @Nullable String unavailable) {}

  /** The latest fault: what, when, and how long until an order sent after it was acknowledged. */
  record Fault(String action, Instant at, @Nullable Long outageMs, boolean underLoad) {}

  record State(
      List<ActionView> actions,
      @Nullable String running,
      SteadyLoad.Stats load,
      @Nullable Fault lastFault,
      List<ChaosLog.Entry> log) {}

  private final Map<String, ChaosAction> actions = new LinkedHashMap<>();
  private final SteadyLoad load;
  private final ChaosLog log;
  private final Clock clock;
  private final String token;
  private final HttpServer server;
  private final AtomicReference<@Nullable String> busy = new AtomicReference<>();
  private volatile @Nullable Fault lastFault;

  /** The last fault's action runs and has not said its fault took hold: no outage is read yet. */
  private volatile boolean awaitingHold;

  private ChaosAgent(List<ChaosAction> actions, SteadyLoad load, Clock clock) throws IOException {
    actions.forEach(action -> this.actions.put(action.id(), action));
    this.load = load;
    this.clock = clock;
    this.log = new ChaosLog(clock);
    byte[] secret = new byte[24];
    new SecureRandom().nextBytes(secret);
    this.token = HexFormat.of().formatHex(secret);
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(
        Executors.newCachedThreadPool(
            runnable -> {
              Thread thread = new Thread(runnable, "chaos-agent");
              thread.setDaemon(true);
              return thread;
            }));
    server.createContext("/", this::handle);
    server.start();
  }

  /** Starts an agent for these actions and this load, on a free loopback port. */
  public static ChaosAgent start(List<ChaosAction> actions, SteadyLoad load) {
    try {
      return new ChaosAgent(actions, load, Clock.systemUTC());
    } catch (IOException e) {
      throw new IllegalStateException("chaos agent cannot listen", e);
    }
  }

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  public String token() {
    return token;
  }

  /** What the gateway must be told to relay the console's chaos page to this agent. */
  public Map<String, String> gatewaySettings() {
    return Map.of(
        "bulwark.gateway.console.chaos.url", url(), "bulwark.gateway.console.chaos.token", token);
  }

  State state() {
    Fault fault = lastFault;
    if (fault != null && fault.underLoad() && fault.outageMs() == null && !awaitingHold) {
      Duration outage = load.firstAcknowledgedAfter(fault.at());
      if (outage != null) {
        fault = new Fault(fault.action(), fault.at(), outage.toMillis(), true);
        lastFault = fault;
        log.add(
            fault.action(),
            "first order sent after it acknowledged in " + outage.toMillis() + " ms");
      }
    }
    return new State(
        actions.values().stream()
            .map(
                a ->
                    new ActionView(
                        a.id(), a.title(), a.description(), a.params(), a.unavailable().get()))
            .toList(),
        busy.get(),
        load.stats(),
        fault,
        log.entries());
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!authorised(exchange)) {
        answer(exchange, 401, Map.of("detail", "no valid " + TOKEN_HEADER));
        return;
      }
      String method = exchange.getRequestMethod();
      String path = exchange.getRequestURI().getPath();
      if ("GET".equals(method) && "/state".equals(path)) {
        answer(exchange, 200, state());
      } else if ("POST".equals(method) && path.startsWith("/actions/")) {
        act(exchange, path.substring("/actions/".length()));
      } else if ("POST".equals(method) && "/load/start".equals(path)) {
        Map<String, Object> body = body(exchange);
        int rate = body.get("ratePerSecond") instanceof Number n ? n.intValue() : 20;
        if (rate < 1 || rate > 200) {
          answer(exchange, 400, Map.of("detail", "ratePerSecond is between 1 and 200"));
          return;
        }
        load.start(rate);
        log.add("load", "started at " + rate + " orders a second");
        answer(exchange, 200, load.stats());
      } else if ("POST".equals(method) && "/load/stop".equals(path)) {
        SteadyLoad.Check check = load.stop();
        log.add(
            "load",
            "stopped: "
                + check.acknowledged()
                + " acknowledged orders, "
                + check.lost()
                + " lost, "
                + check.concluded()
                + " concluded");
        answer(exchange, 200, load.stats());
      } else {
        answer(exchange, 404, Map.of("detail", "no such chaos request"));
      }
    } catch (RuntimeException e) {
      try {
        answer(exchange, 500, Map.of("detail", String.valueOf(e.getMessage())));
      } catch (IOException | RuntimeException ignored) {
        // the answer could not be written: the exchange is closed anyway
      }
    }
  }

  private void act(HttpExchange exchange, String id) throws IOException {
    ChaosAction action = actions.get(id);
    if (action == null) {
      answer(exchange, 404, Map.of("detail", "no action " + id));
      return;
    }
    String unavailable = action.unavailable().get();
    if (unavailable != null) {
      answer(
          exchange,
          409,
          Map.of("detail", action.title() + " is not possible here: " + unavailable));
      return;
    }
    Map<String, String> choices = new LinkedHashMap<>();
    body(exchange).forEach((key, value) -> choices.put(key, String.valueOf(value)));
    for (ChaosAction.Param param : action.params()) {
      String chosen = choices.getOrDefault(param.name(), param.initial());
      if (!param.choices().isEmpty() && !param.choices().contains(chosen)) {
        answer(exchange, 400, Map.of("detail", param.label() + " is one of " + param.choices()));
        return;
      }
      choices.put(param.name(), chosen);
    }
    if (!busy.compareAndSet(null, action.title())) {
      answer(exchange, 409, Map.of("detail", busy.get() + " is running; one action at a time"));
      return;
    }
    Instant at = clock.instant();
    awaitingHold = true;
    lastFault = new Fault(action.title(), at, null, load.running());
    log.add(action.title(), "started " + choices);
    Thread doing =
        new Thread(
            () -> {
              try {
                log.add(action.title(), action.run().apply(choices));
              } catch (RuntimeException e) {
                log.add(action.title(), "failed: " + e.getMessage());
              } finally {
                awaitingHold = false;
                busy.set(null);
              }
            },
            "chaos-" + id);
    doing.setDaemon(true);
    doing.start();
    answer(exchange, 202, Map.of("started", action.title(), "at", at.toString()));
  }

  /**
   * Called by the running action once its fault has taken hold: the outage is measured from here,
   * and not read before. Counted from the request, it began up to the time a command takes to start
   * too early: an order answered 109 ms after the request to freeze the only order-service instance
   * for 5 s, on a busy machine, read as the outage. An action that never calls this has its outage
   * counted from the request, read once it has finished.
   */
  public void faultTookHold() {
    Fault fault = lastFault;
    if (fault != null && awaitingHold) {
      lastFault = new Fault(fault.action(), clock.instant(), null, fault.underLoad());
      awaitingHold = false;
    }
  }

  private boolean authorised(HttpExchange exchange) {
    String given = exchange.getRequestHeaders().getFirst(TOKEN_HEADER);
    return given != null
        && MessageDigest.isEqual(
            given.getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8));
  }

  private static Map<String, Object> body(HttpExchange exchange) throws IOException {
    try (InputStream in = exchange.getRequestBody()) {
      byte[] bytes = in.readNBytes(4096);
      if (bytes.length == 0) {
        return Map.of();
      }
      try {
        Map<String, Object> body = JSON.readValue(bytes, OBJECT);
        return body == null ? Map.of() : body;
      } catch (RuntimeException e) {
        return Map.of();
      }
    }
  }

  private static void answer(HttpExchange exchange, int status, Object body) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  @Override
  public void close() {
    server.stop(0);
    load.halt();
  }
}
