package io.bulwark.harness.client;

import io.bulwark.harness.Await;
import io.bulwark.harness.auth.Identities;
import io.bulwark.harness.auth.Tokens;
import io.bulwark.harness.http.HttpJson;
import io.bulwark.harness.http.HttpJson.Response;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The platform's API as the tests and the tools use it, through the gateway or straight at one
 * service, as one signed-in caller (a customer by default): place an order, read an order's status,
 * wait for its saga to end; and, as the operator, set stock.
 */
public final class PlatformClient {

  /** The statuses a saga ends in. */
  public static final Set<String> CONCLUDED = Set.of("CONFIRMED", "REJECTED", "CANCELLED");

  private static final Pattern STATUS = Pattern.compile("\"status\"\\s*:\\s*\"([A-Z_]+)\"");

  private final String baseUrl;
  private final Tokens tokens;
  private final HttpJson http;
  private final HttpJson operator;

  /** The API at {@code baseUrl} as {@link Identities#CUSTOMER_1}. */
  public PlatformClient(String baseUrl, Tokens tokens) {
    this(baseUrl, tokens, Identities.CUSTOMER_1);
  }

  public PlatformClient(String baseUrl, Tokens tokens, String user) {
    this.baseUrl = baseUrl;
    this.tokens = tokens;
    this.http = new HttpJson(baseUrl).withBearer(tokens.of(user));
    this.operator = new HttpJson(baseUrl).withBearer(tokens.of(Identities.OPERATOR));
  }

  /** The same API as another of the demo users. */
  public PlatformClient as(String user) {
    return new PlatformClient(baseUrl, tokens, user);
  }

  /** The caller's HTTP client underneath (its token on every request), for other requests. */
  public HttpJson http() {
    return http;
  }

  /** Places the order once, with a fresh {@code Idempotency-Key}. */
  public Response placeOrder(OrderRequest order) {
    return placeOrder(order, UUID.randomUUID().toString());
  }

  /** Places the order with the given key (send it again with the same key to retry). */
  public Response placeOrder(OrderRequest order, String idempotencyKey) {
    return http.postWithKey("/api/orders", order.json(), idempotencyKey);
  }

  /** Places the order and gives its id; fails unless the platform answered 201. */
  public String placedOrderId(OrderRequest order) {
    Response response = placeOrder(order);
    if (response.status() != 201) {
      throw new IllegalStateException(
          "order not placed: " + response.status() + " " + response.body());
    }
    return orderIdOf(response);
  }

  /** The id of the order an acknowledgement (201, or 200 for a replay) names in its Location. */
  public static String orderIdOf(Response acknowledged) {
    String location =
        java.util.Objects.requireNonNull(
            acknowledged.header("Location"), "an acknowledgement without Location");
    return location.substring(location.lastIndexOf('/') + 1);
  }

  /** Sets a SKU's available stock as the operator; fails unless the platform answered 200. */
  public void setStock(String sku, int available) {
    Response response = operator.put("/api/inventory/" + sku, "{\"available\": " + available + "}");
    if (response.status() != 200) {
      throw new IllegalStateException(
          "cannot set stock of " + sku + ": " + response.status() + " " + response.body());
    }
  }

  /** The order's status, or empty if it cannot be read now. */
  public Optional<String> statusOf(String orderId) {
    Response response = http.get("/api/orders/" + orderId);
    if (response.status() != 200) {
      return Optional.empty();
    }
    Matcher status = STATUS.matcher(response.body());
    return status.find() ? Optional.of(status.group(1)) : Optional.empty();
  }

  /** Waits until the order's saga has ended, and gives the status it ended in. */
  public String awaitConcluded(String orderId, Duration timeout) {
    return Await.untilPresent(() -> statusOf(orderId).filter(CONCLUDED::contains))
        .every(Duration.ofMillis(100))
        .within(timeout, () -> "order " + orderId + " not concluded within " + timeout);
  }
}
