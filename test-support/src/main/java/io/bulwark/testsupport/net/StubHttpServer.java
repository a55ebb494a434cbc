package io.bulwark.testsupport.net;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.bulwark.testsupport.http.Headers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * A real HTTP server on loopback that stands in for a service, with faults a test switches on:
 * answer normally, fail with a status, stall, or stop listening (connections refused). It records
 * every request it receives.
 */
public final class StubHttpServer implements AutoCloseable {

  /** What the next requests get. */
  public enum Mode {
    ANSWER,
    SERVER_ERROR,
    CLIENT_ERROR,
    STALL
  }

  /** A received request. */
  public record Request(
      String method, String pathAndQuery, Map<String, String> headers, String body) {
    public String header(String name) {
      return Headers.first(headers, name);
    }
  }

  /** A normal answer. */
  public record Reply(int status, String body) {}

  private final int port;
  private final Function<Request, Reply> answer;
  private final List<Request> received = new CopyOnWriteArrayList<>();
  private volatile Mode mode = Mode.ANSWER;
  private volatile long stallMillis = 10_000;
  private HttpServer server;

  public StubHttpServer(int port, Function<Request, Reply> answer) {
    this.port = port;
    this.answer = answer;
    start();
  }

  public synchronized void start() {
    if (server != null) {
      return;
    }
    try {
      server =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 100);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext("/", this::handle);
    server.start();
  }

  /** Down: nothing listens on the port any more. */
  public synchronized void stop() {
    if (server != null) {
      server.stop(0);
      server = null;
    }
  }

  @Override
  public void close() {
    stop();
  }

  public void mode(Mode mode) {
    this.mode = mode;
  }

  public void stallFor(long millis) {
    this.stallMillis = millis;
  }

  public List<Request> received() {
    return List.copyOf(received);
  }

  public int requests() {
    return received.size();
  }

  public int port() {
    return port;
  }

  public String url() {
    return "http://127.0.0.1:" + port;
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      Map<String, String> headers = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
      exchange.getRequestHeaders().forEach((k, v) -> headers.put(k, v.isEmpty() ? "" : v.get(0)));
      String query = exchange.getRequestURI().getRawQuery();
      Request request =
          new Request(
              exchange.getRequestMethod(),
              exchange.getRequestURI().getRawPath() + (query == null ? "" : "?" + query),
              headers,
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      received.add(request);
      switch (mode) {
        case SERVER_ERROR -> respond(exchange, 500, "{\"title\":\"failing on purpose\"}");
        case CLIENT_ERROR -> respond(exchange, 400, "{\"title\":\"refusing on purpose\"}");
        case STALL -> {
          sleep(stallMillis);
          respond(exchange, 200, "{}");
        }
        case ANSWER -> {
          Reply reply = answer.apply(request);
          respond(exchange, reply.status(), reply.body());
        }
      }
    }
  }

  private static void respond(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      exchange.getResponseBody().write(bytes);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
