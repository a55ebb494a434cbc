package io.bulwark.order;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP server on loopback standing in for inventory-service's lookup endpoint, with faults
 * the test switches on: answer, fail with 500 or 400, stall, or stop listening altogether.
 */
public final class InventoryStub {

  /** What the next requests get. */
  public enum Mode {
    ANSWER,
    SERVER_ERROR,
    CLIENT_ERROR,
    STALL
  }

  private final int port;
  private final AtomicInteger requests = new AtomicInteger();
  private volatile Mode mode = Mode.ANSWER;
  private volatile Set<String> unknown = Set.of();
  private HttpServer server;

  public InventoryStub(int port) {
    this.port = port;
    start();
  }

  public synchronized void start() {
    if (server != null) {
      return;
    }
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext("/api/inventory", this::handle);
    server.start();
  }

  /** Down: nothing listens on the port any more, so connections are refused. */
  public synchronized void stop() {
    if (server != null) {
      server.stop(0);
      server = null;
    }
  }

  public void mode(Mode mode) {
    this.mode = mode;
  }

  /** SKUs the stub does not know; all others exist. */
  public void unknown(Set<String> skus) {
    this.unknown = Set.copyOf(skus);
  }

  public int requests() {
    return requests.get();
  }

  public String url() {
    return "http://127.0.0.1:" + port;
  }

  private void handle(HttpExchange exchange) throws IOException {
    requests.incrementAndGet();
    try (exchange) {
      switch (mode) {
        case SERVER_ERROR -> respond(exchange, 500, "{\"title\":\"boom\"}");
        case CLIENT_ERROR -> respond(exchange, 400, "{\"title\":\"bad\"}");
        case STALL -> {
          sleep(5_000);
          respond(exchange, 200, "[]");
        }
        case ANSWER -> respond(exchange, 200, answer(exchange.getRequestURI()));
      }
    }
  }

  private String answer(URI uri) {
    List<String> items = new ArrayList<>();
    for (String pair : uri.getRawQuery() == null ? new String[0] : uri.getRawQuery().split("&")) {
      if (pair.startsWith("sku=")) {
        String sku = java.net.URLDecoder.decode(pair.substring(4), StandardCharsets.UTF_8);
        if (!unknown.contains(sku)) {
          items.add("{\"sku\":\"" + sku + "\",\"available\":10,\"reserved\":0}");
        }
      }
    }
    return "[" + String.join(",", items) + "]";
  }

  private static void respond(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
