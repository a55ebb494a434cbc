package io.bulwark.system;

import io.bulwark.harness.client.OrderRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

/**
 * Generates malformed and hostile HTTP requests from a seed, every one of which must be refused:
 * none may be a valid order, cancellation or stock change. The same seed gives the same requests.
 *
 * <p>Most carry the caller's credentials, named by a placeholder that the test replaces with a real
 * token at send time ({@link #CALLER}: the customer's, or the operator's for stock); the rest carry
 * hostile ones: none, malformed, oversized, {@code alg: none}, a tampered signature.
 */
final class HostileRequests {

  /** The caller's own valid token. */
  static final String CALLER = "{caller}";

  /** The caller's token with its signature changed. */
  static final String TAMPERED = "{tampered}";

  /** The caller's claims, unsigned ({@code alg: none}). */
  static final String UNSIGNED = "{unsigned}";

  /** One generated request. */
  record Request(
      String method, String path, String contentType, Map<String, String> headers, String body) {
    @Override
    public String toString() {
      return method
          + " "
          + path
          + " ["
          + contentType
          + "] "
          + headers.keySet()
          + " "
          + (body == null ? "-" : body.length() > 120 ? body.substring(0, 120) + "…" : body);
    }
  }

  private static final String VALID_ORDER = OrderRequest.of("SKU-1", 1).naming("customer-1").json();
  private static final List<String> ODD_STRINGS =
      List.of(
          "",
          " ",
          "\\u0000",
          "ÿþ",
          "💥",
          "' OR '1'='1",
          "<script>alert(1)</script>",
          "../../etc/passwd",
          "%00",
          "${jndi:ldap://x}",
          "a".repeat(70),
          "a".repeat(5_000),
          "SKU 1");
  private static final List<String> ODD_NUMBERS =
      List.of(
          "0",
          "-1",
          "-2147483648",
          "2147483648",
          "1e309",
          "1.5",
          "10001",
          "NaN",
          "\"1\"",
          "true",
          "[]",
          "{}",
          "null",
          "99999999999999999999999");

  private final Random random;

  HostileRequests(long seed) {
    this.random = new Random(seed);
  }

  Request next() {
    return switch (random.nextInt(6)) {
      case 0 -> badOrder();
      case 1 -> badStock();
      case 2 -> badCancel();
      case 3 -> oddPath();
      case 4 -> wrongMediaType();
      default -> garbageBody();
    };
  }

  /** A POST /api/orders body with at least one defect that makes it invalid. */
  private Request badOrder() {
    String body =
        switch (random.nextInt(10)) {
          case 0 -> VALID_ORDER.replace("\"quantity\":1", "\"quantity\":" + pick(ODD_NUMBERS));
          case 1 ->
              VALID_ORDER.replace(
                  "\"customer-1\"", json(pick(List.of("", " ", "a".repeat(65), "customer-2"))));
          case 2 -> VALID_ORDER.replace("\"SKU-1\"", json(pick(ODD_STRINGS)));
          case 3 ->
              "{\"customerId\":\"c-1\",\"items\":"
                  + pick(List.of("[]", "null", "{}", "\"x\"", "[null]", "[[]]", "7"))
                  + "}";
          case 4 -> VALID_ORDER.substring(0, random.nextInt(VALID_ORDER.length() - 1));
          case 5 ->
              "{\"customerId\":\"c-1\",\"items\":["
                  + "{\"sku\":\"S\",\"quantity\":1},".repeat(101)
                  + "{\"sku\":\"S\",\"quantity\":1}]}";
          case 6 -> "[".repeat(2_000) + "]".repeat(2_000);
          case 7 ->
              "{\"customerId\":"
                  + pick(ODD_NUMBERS)
                  + ",\"items\":[{\"sku\":\"SKU-1\",\"quantity\":1}]}";
          case 8 -> VALID_ORDER.replace("\"sku\":\"SKU-1\",", "");
          default -> "{\"items\":[{\"sku\":\"SKU-1\",\"quantity\":1}],\"customerId\":null,\"x\":1}";
        };
    return new Request("POST", "/api/orders", "application/json", keyed(), body);
  }

  private Request badStock() {
    String sku = random.nextBoolean() ? "FUZZ-" + random.nextInt(5) : encode(pick(ODD_STRINGS));
    String body =
        sku.startsWith("FUZZ-")
            ? "{\"available\":"
                + pick(
                    List.of(
                        "-1", "-2147483648", "1000000001", "\"ten\"", "null", "1.5", "[]", "{}"))
                + "}"
            : "{\"available\":1}";
    return new Request(
        "PUT",
        "/api/inventory/" + (sku.isEmpty() ? "%20" : sku),
        "application/json",
        Map.of(),
        body);
  }

  private Request badCancel() {
    String id =
        random.nextBoolean()
            ? UUID.randomUUID().toString()
            : encode(pick(ODD_STRINGS)) + random.nextInt(10);
    return new Request("POST", "/api/orders/" + id + "/cancel", null, keyed(), null);
  }

  private Request oddPath() {
    String method = pick(List.of("GET", "DELETE", "PATCH", "PUT", "POST", "HEAD", "OPTIONS"));
    String path =
        pick(
                List.of(
                    "/api/orders/",
                    "/api/inventory/",
                    "/api/",
                    "/",
                    "/actuator/",
                    "/api/orders/x/"))
            + encode(pick(ODD_STRINGS))
            + (random.nextBoolean() ? "?sku=" + encode(pick(ODD_STRINGS)) : "");
    String body =
        method.equals("GET") || method.equals("HEAD") || method.equals("DELETE") ? null : "{}";
    return new Request(method, path, body == null ? null : "application/json", keyed(), body);
  }

  private Request wrongMediaType() {
    String type =
        pick(
            List.of(
                "text/plain",
                "application/xml",
                "application/x-www-form-urlencoded",
                "multipart/form-data; boundary=x",
                "application/json; charset=ebcdic",
                "garbage",
                "*/*"));
    return new Request(
        "POST",
        "/api/orders",
        type,
        keyed(),
        VALID_ORDER.replace("\"quantity\":1", "\"quantity\":0"));
  }

  private Request garbageBody() {
    byte[] bytes = new byte[1 + random.nextInt(300)];
    random.nextBytes(bytes);
    String body = new String(bytes, StandardCharsets.ISO_8859_1);
    String path = random.nextBoolean() ? "/api/orders" : "/api/inventory/FUZZ-1";
    return new Request(
        random.nextBoolean() ? "POST" : "PUT", path, "application/json", keyed(), body);
  }

  /** Hostile or odd headers beside the idempotency key. */
  private Map<String, String> keyed() {
    Map<String, String> headers = new LinkedHashMap<>();
    switch (random.nextInt(5)) {
      case 0 -> headers.put("Idempotency-Key", "k".repeat(1 + random.nextInt(400)));
      case 1 -> headers.put("Idempotency-Key", "fuzz " + random.nextInt());
      case 2 -> {}
      default -> headers.put("Idempotency-Key", UUID.randomUUID().toString());
    }
    if (random.nextInt(4) == 0) {
      headers.put("X-Correlation-Id", pick(List.of("a".repeat(500), "bad id", "<x>", "ok-id-1")));
    }
    if (random.nextInt(4) == 0) {
      headers.put(
          "Accept",
          pick(List.of("application/xml", "text/html", "*/*", "garbage/", "application/json;q=x")));
    }
    headers.put("Authorization", authorization());
    return headers;
  }

  /** Mostly the caller's own token; otherwise a hostile credential. */
  private String authorization() {
    if (random.nextInt(3) != 0) {
      return "Bearer " + CALLER;
    }
    return pick(
        List.of(
            "",
            "Bearer",
            "Bearer ",
            "Bearer " + TAMPERED,
            "Bearer " + UNSIGNED,
            "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJvcGVyYXRvciIsInJvbGVzIjpbIm9wZXJhdG9yIl19.",
            "Bearer a.b.c",
            "Bearer " + "x".repeat(6_000),
            "Bearer " + "x".repeat(9_000),
            "Basic b3BlcmF0b3I6b3BlcmF0b3I=",
            "bearer " + CALLER + " extra",
            "Bearer \u00e9\u00e9",
            "Negotiate YIIB"));
  }

  private String pick(List<String> values) {
    return values.get(random.nextInt(values.size()));
  }

  private static String json(String value) {
    return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private static String encode(String value) {
    StringBuilder encoded = new StringBuilder();
    for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || c == '-'
          || c == '.'
          || c == '_') {
        encoded.append(c);
      } else {
        encoded.append('%').append(String.format("%02X", b & 0xff));
      }
    }
    return encoded.toString();
  }

  static List<Request> generate(long seed, int count) {
    HostileRequests generator = new HostileRequests(seed);
    List<Request> requests = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      requests.add(generator.next());
    }
    return requests;
  }
}
