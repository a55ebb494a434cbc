package io.bulwark.gateway.console;

import io.bulwark.gateway.GatewayProperties;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.Principal;
import java.time.Duration;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

/**
 * The chaos page's requests, relayed to the local run's chaos agent with its token (which no
 * browser ever sees): the operator alone reaches them (the edge's rule for {@code /console/**},
 * with the session's CSRF token on every POST), and each action is logged with who asked. Where no
 * agent is configured (anywhere but the local run) they answer {@code 404} saying so.
 */
@RestController
class ChaosRelay {

  private static final Logger log = LoggerFactory.getLogger(ChaosRelay.class);
  private static final Pattern ACTION = Pattern.compile("[a-z][a-z-]{0,39}");
  private static final int MAX_BODY = 4096;

  /** Stopping the load waits for every acknowledged order to be checked. */
  private static final Duration TIMEOUT = Duration.ofMinutes(2);

  private final GatewayProperties.Chaos chaos;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final JsonMapper json;

  ChaosRelay(GatewayProperties properties, JsonMapper json) {
    this.chaos = properties.console().chaos();
    this.json = json;
  }

  @GetMapping(path = "/console/chaos/state", produces = MediaType.APPLICATION_JSON_VALUE)
  ResponseEntity<?> state() {
    return relay("GET", "/state", null);
  }

  @PostMapping(path = "/console/chaos/actions/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
  ResponseEntity<?> act(
      @PathVariable String id,
      @RequestBody(required = false) @Nullable String body,
      Principal who) {
    if (!ACTION.matcher(id).matches()) {
      return problem(HttpStatus.NOT_FOUND, "No such chaos action.");
    }
    log.warn("chaos: {} asked for {} {}", who.getName(), id, body == null ? "{}" : body);
    return relay("POST", "/actions/" + id, body);
  }

  @PostMapping(path = "/console/chaos/load/{command}", produces = MediaType.APPLICATION_JSON_VALUE)
  ResponseEntity<?> load(
      @PathVariable String command,
      @RequestBody(required = false) @Nullable String body,
      Principal who) {
    if (!command.equals("start") && !command.equals("stop")) {
      return problem(HttpStatus.NOT_FOUND, "The load starts or stops.");
    }
    log.warn("chaos: {} asked the load to {} {}", who.getName(), command, body == null ? "" : body);
    return relay("POST", "/load/" + command, body);
  }

  private ResponseEntity<?> relay(String method, String path, @Nullable String body) {
    if (!chaos.enabled()) {
      return problem(
          HttpStatus.NOT_FOUND,
          "Chaos actions exist only in the local run (./bulwark run), which owns the processes.");
    }
    if (body != null && body.length() > MAX_BODY) {
      return problem(HttpStatus.PAYLOAD_TOO_LARGE, "A chaos request is a few choices.");
    }
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(chaos.url() + path))
            .timeout(TIMEOUT)
            .header("X-Chaos-Token", chaos.token())
            .header("Content-Type", "application/json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .build();
    try {
      HttpResponse<String> answer = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (answer.statusCode() >= 400) {
        return problem(HttpStatus.valueOf(answer.statusCode()), detail(answer.body()));
      }
      return ResponseEntity.status(answer.statusCode())
          .contentType(MediaType.APPLICATION_JSON)
          .body(answer.body());
    } catch (IOException e) {
      return problem(HttpStatus.BAD_GATEWAY, "The chaos agent did not answer: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return problem(HttpStatus.SERVICE_UNAVAILABLE, "Interrupted.");
    }
  }

  /** The agent's {@code detail}, which says what it refused and why. */
  private String detail(String body) {
    try {
      return json.readTree(body).path("detail").asString("The chaos agent refused.");
    } catch (RuntimeException e) {
      return "The chaos agent refused.";
    }
  }

  private static ResponseEntity<ProblemDetail> problem(HttpStatus status, String detail) {
    return ResponseEntity.status(status)
        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .body(ProblemDetail.forStatusAndDetail(status, detail));
  }
}
