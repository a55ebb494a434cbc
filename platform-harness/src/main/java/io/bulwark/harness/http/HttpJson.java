package io.bulwark.harness.http;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/** A small JSON-over-HTTP client for tests, on the JDK's own client. */
public final class HttpJson {

  private final HttpClient client =
      HttpClient.newBuilder()
          .connectTimeout(Duration.ofSeconds(5))
          .version(HttpClient.Version.HTTP_1_1)
          .build();
  private final String baseUrl;
  private final Map<String, Supplier<String>> defaults;

  public HttpJson(String baseUrl) {
    this(baseUrl, Map.of());
  }

  private HttpJson(String baseUrl, Map<String, Supplier<String>> defaults) {
    this.baseUrl = baseUrl;
    this.defaults = defaults;
  }

  /**
   * This client with a header on every request that does not set it itself, its value asked for
   * each time (say, a current access token).
   */
  public HttpJson withHeader(String name, Supplier<String> value) {
    Map<String, Supplier<String>> more = new java.util.LinkedHashMap<>(defaults);
    more.put(name, value);
    return new HttpJson(baseUrl, more);
  }

  /** This client with {@code Authorization: Bearer} and a current token on every request. */
  public HttpJson withBearer(Supplier<String> token) {
    return withHeader("Authorization", () -> "Bearer " + token.get());
  }

  /** This client without the headers it adds (for a request with no credentials). */
  public HttpJson bare() {
    return new HttpJson(baseUrl);
  }

  /** A response: status, headers (first value of each) and body text. */
  public record Response(int status, Map<String, String> headers, String body) {
    public @Nullable String header(String name) {
      return Headers.first(headers, name);
    }
  }

  public Response get(String path) {
    return send("GET", path, null, "application/json", Map.of());
  }

  public Response post(String path, @Nullable String json) {
    return send("POST", path, json, "application/json", Map.of());
  }

  /** A POST with a fresh {@code Idempotency-Key}, as a well-behaved client sends it. */
  public Response postOnce(String path, @Nullable String json) {
    return postWithKey(path, json, java.util.UUID.randomUUID().toString());
  }

  public Response postWithKey(String path, @Nullable String json, String idempotencyKey) {
    return send("POST", path, json, "application/json", Map.of("Idempotency-Key", idempotencyKey));
  }

  public Response put(String path, String json) {
    return send("PUT", path, json, "application/json", Map.of());
  }

  public Response send(
      String method,
      String path,
      @Nullable String body,
      @Nullable String contentType,
      Map<String, String> headers) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(baseUrl + path))
            .timeout(Duration.ofSeconds(30))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (body != null && contentType != null) {
      request.header("Content-Type", contentType);
    }
    if (headers.keySet().stream().noneMatch("Accept"::equalsIgnoreCase)) {
      request.header("Accept", "application/json, application/problem+json");
    }
    defaults.forEach(
        (name, value) -> {
          if (headers.keySet().stream().noneMatch(name::equalsIgnoreCase)) {
            request.header(name, value.get());
          }
        });
    headers.forEach(request::header);
    try {
      HttpResponse<String> response =
          client.send(request.build(), HttpResponse.BodyHandlers.ofString());
      Map<String, String> first = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
      response.headers().map().forEach((k, v) -> first.put(k, v.isEmpty() ? "" : v.get(0)));
      return new Response(response.statusCode(), first, response.body());
    } catch (IOException e) {
      throw new IllegalStateException(method + " " + path + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
