package io.bulwark.harness.tracing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import tools.jackson.databind.json.JsonMapper;

/**
 * Hands spans received over OTLP on to a Zipkin server ({@code POST /api/v2/spans}, Zipkin's JSON
 * v2), as a collector's Zipkin exporter does: so the local run's services speak OTLP only, and
 * Zipkin's UI shows their traces. A span's links, which Zipkin has no field for, become a tag. A
 * batch Zipkin does not take is dropped: traces are for looking at, nothing waits on them.
 */
public final class ZipkinForwarder implements Consumer<List<ReceivedSpan>> {

  private static final JsonMapper JSON = JsonMapper.shared();

  private final URI spans;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  /** Forwarding to the Zipkin server at {@code baseUrl} ({@code http://127.0.0.1:9411}). */
  public ZipkinForwarder(String baseUrl) {
    this.spans = URI.create(baseUrl + "/api/v2/spans");
  }

  @Override
  public void accept(List<ReceivedSpan> batch) {
    if (batch.isEmpty()) {
      return;
    }
    HttpRequest request =
        HttpRequest.newBuilder(spans)
            .timeout(Duration.ofSeconds(5))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json(batch)))
            .build();
    http.sendAsync(request, HttpResponse.BodyHandlers.discarding());
  }

  /** The batch in Zipkin's JSON v2: times in microseconds, kinds without INTERNAL. */
  static String json(List<ReceivedSpan> batch) {
    return JSON.writeValueAsString(batch.stream().map(ZipkinForwarder::zipkin).toList());
  }

  private static Map<String, Object> zipkin(ReceivedSpan span) {
    Map<String, Object> zipkin = new LinkedHashMap<>();
    zipkin.put("traceId", span.traceId());
    zipkin.put("id", span.spanId());
    if (span.parentSpanId() != null) {
      zipkin.put("parentId", span.parentSpanId());
    }
    zipkin.put("name", span.name());
    switch (span.kind()) {
      case SERVER, CLIENT, PRODUCER, CONSUMER -> zipkin.put("kind", span.kind().name());
      default -> {}
    }
    zipkin.put("timestamp", span.startNanos() / 1_000);
    zipkin.put("duration", Math.max(1, (span.endNanos() - span.startNanos()) / 1_000));
    zipkin.put("localEndpoint", Map.of("serviceName", span.service()));
    Map<String, String> tags = new LinkedHashMap<>(span.attributes());
    if (!span.links().isEmpty()) {
      tags.put("links", String.join(",", span.links()));
    }
    zipkin.put("tags", tags);
    return zipkin;
  }
}
