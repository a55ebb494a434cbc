package io.bulwark.gateway.console;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Reads the watched instances' actuators, each answer bounded by the timeout. */
final class Actuators {

  private final JsonMapper json;
  private final Duration timeout;
  private final HttpClient http;

  Actuators(JsonMapper json, Duration timeout) {
    this.json = json;
    this.timeout = timeout;
    this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
  }

  /**
   * The endpoint's answer, as JSON. The health endpoint answers 503 with the health body when the
   * instance is down, and that body is what tells why: it is an answer too.
   */
  CompletableFuture<@Nullable JsonNode> read(String managementUrl, String path) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(managementUrl + path))
            .timeout(timeout)
            .header("Accept", "application/json")
            .GET()
            .build();
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
        .thenApply(
            response -> {
              boolean health = path.equals("/actuator/health");
              if (response.statusCode() == 200 || (health && response.statusCode() == 503)) {
                return (@Nullable JsonNode) json.readTree(response.body());
              }
              throw new IllegalStateException(path + " answered " + response.statusCode());
            });
  }

  /** Why a read failed, in a line. */
  static String reason(Throwable failure) {
    Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
    String message = cause.getMessage();
    String kind = cause.getClass().getSimpleName();
    return message == null || message.isBlank() ? kind : kind + ": " + message;
  }
}
