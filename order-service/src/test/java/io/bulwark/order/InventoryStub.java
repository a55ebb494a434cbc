package io.bulwark.order;

import io.bulwark.fixtures.net.StubHttpServer;
import io.bulwark.fixtures.net.StubHttpServer.Reply;
import io.bulwark.fixtures.net.StubHttpServer.Request;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * inventory-service's lookup endpoint as order-service sees it over HTTP: every SKU exists except
 * those the test names unknown; faults are switched on through {@link #mode}.
 */
public final class InventoryStub {

  private final StubHttpServer server;
  private volatile Set<String> unknown = Set.of();
  private volatile @Nullable String lastAuthorization;

  public InventoryStub(int port) {
    this.server = new StubHttpServer(port, this::answer);
    server.stallFor(5_000);
  }

  public void start() {
    server.start();
  }

  /** Down: connections are refused. */
  public void stop() {
    server.stop();
  }

  public void mode(StubHttpServer.Mode mode) {
    server.mode(mode);
  }

  public void unknown(Set<String> skus) {
    this.unknown = Set.copyOf(skus);
  }

  public int requests() {
    return server.requests();
  }

  public String url() {
    return server.url();
  }

  /** The {@code Authorization} header of the latest lookup. */
  public @Nullable String lastAuthorization() {
    return lastAuthorization;
  }

  private Reply answer(Request request) {
    lastAuthorization = request.header("Authorization");
    List<String> items = new ArrayList<>();
    String path = request.pathAndQuery();
    String query = path.contains("?") ? path.substring(path.indexOf('?') + 1) : "";
    for (String pair : query.split("&")) {
      if (pair.startsWith("sku=")) {
        String sku = URLDecoder.decode(pair.substring(4), StandardCharsets.UTF_8);
        if (!unknown.contains(sku)) {
          items.add("{\"sku\":\"" + sku + "\",\"available\":10,\"reserved\":0}");
        }
      }
    }
    return new Reply(200, "[" + String.join(",", items) + "]");
  }
}
