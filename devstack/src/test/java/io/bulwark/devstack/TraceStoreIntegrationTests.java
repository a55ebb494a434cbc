package io.bulwark.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.google.protobuf.ByteString;
import io.bulwark.harness.process.FreePorts;
import io.bulwark.harness.process.ManagedProcess;
import io.bulwark.harness.tracing.OtlpReceiver;
import io.bulwark.harness.tracing.ZipkinForwarder;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.awaitility.Awaitility;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The local run's trace store, as {@code ./bulwark run} starts it: Zipkin's server from the jar the
 * build fetched, fed by an OTLP receiver. Spans exported over OTLP come out of Zipkin's API as the
 * same trace, parent by parent.
 */
class TraceStoreIntegrationTests {

  private static final Path JAR = Path.of("target/zipkin/zipkin-server.jar");
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @Test
  void spansExportedOverOtlpAreOneTraceInZipkin(@TempDir Path logs) throws Exception {
    assumeThat(Files.isRegularFile(JAR)).as("the build copies Zipkin's server to " + JAR).isTrue();
    int port = FreePorts.next();
    ManagedProcess zipkin =
        ManagedProcess.start(
            "zipkin",
            List.of(ManagedProcess.javaExecutable(), "-Xmx256m", "-jar", JAR.toString()),
            Map.of("QUERY_PORT", String.valueOf(port)),
            logs.resolve("zipkin.log"));
    String zipkinUrl = "http://127.0.0.1:" + port;
    try (OtlpReceiver receiver = OtlpReceiver.forwardingTo(new ZipkinForwarder(zipkinUrl))) {
      zipkin.awaitHealthy(zipkinUrl + "/health", Duration.ofSeconds(90));
      byte[] trace = random(16);
      byte[] request = random(8);
      byte[] publish = random(8);

      export(
          receiver.endpoint(),
          ExportTraceServiceRequest.newBuilder()
              .addResourceSpans(
                  spansOf(
                      "order-service",
                      span(
                          trace,
                          request,
                          null,
                          "http post /api/orders",
                          Span.SpanKind.SPAN_KIND_SERVER),
                      span(
                          trace,
                          publish,
                          request,
                          "publish bulwark.orders.events",
                          Span.SpanKind.SPAN_KIND_PRODUCER)))
              .build());

      String traceId = HexFormat.of().formatHex(trace);
      JsonNode spans =
          Awaitility.await()
              .atMost(Duration.ofSeconds(20))
              .until(() -> zipkinTrace(zipkinUrl, traceId), found -> found.size() == 2);
      JsonNode server = find(spans, "http post /api/orders");
      JsonNode producer = find(spans, "publish bulwark.orders.events");
      assertThat(server.get("kind").asString()).isEqualTo("SERVER");
      assertThat(server.get("localEndpoint").get("serviceName").asString())
          .isEqualTo("order-service");
      assertThat(producer.get("kind").asString()).isEqualTo("PRODUCER");
      assertThat(producer.get("parentId").asString()).isEqualTo(server.get("id").asString());
      assertThat(producer.get("tags").get("messaging.system").asString()).isEqualTo("kafka");
    } finally {
      zipkin.stop(Duration.ofSeconds(10));
    }
  }

  private static ResourceSpans spansOf(String service, Span... spans) {
    return ResourceSpans.newBuilder()
        .setResource(Resource.newBuilder().addAttributes(attribute("service.name", service)))
        .addScopeSpans(ScopeSpans.newBuilder().addAllSpans(List.of(spans)))
        .build();
  }

  private static Span span(
      byte[] trace, byte[] id, byte @Nullable [] parent, String name, Span.SpanKind kind) {
    long now = System.currentTimeMillis() * 1_000_000;
    Span.Builder span =
        Span.newBuilder()
            .setTraceId(ByteString.copyFrom(trace))
            .setSpanId(ByteString.copyFrom(id))
            .setName(name)
            .setKind(kind)
            .setStartTimeUnixNano(now)
            .setEndTimeUnixNano(now + 5_000_000)
            .addAttributes(attribute("messaging.system", "kafka"));
    if (parent != null) {
      span.setParentSpanId(ByteString.copyFrom(parent));
    }
    return span.build();
  }

  private static KeyValue attribute(String key, String value) {
    return KeyValue.newBuilder()
        .setKey(key)
        .setValue(AnyValue.newBuilder().setStringValue(value))
        .build();
  }

  private static void export(String endpoint, ExportTraceServiceRequest request) throws Exception {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(endpoint))
                .header("Content-Type", "application/x-protobuf")
                .POST(HttpRequest.BodyPublishers.ofByteArray(request.toByteArray()))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
  }

  private static JsonNode zipkinTrace(String zipkin, String traceId) throws Exception {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(zipkin + "/api/v2/trace/" + traceId)).build(),
            HttpResponse.BodyHandlers.ofString());
    return response.statusCode() == 200
        ? JsonMapper.shared().readTree(response.body())
        : JsonMapper.shared().createArrayNode();
  }

  private static JsonNode find(JsonNode spans, String name) {
    return spans
        .valueStream()
        .filter(span -> span.get("name").asString().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no span " + name + " in " + spans));
  }

  private static byte[] random(int bytes) {
    byte[] random = new byte[bytes];
    ThreadLocalRandom.current().nextBytes(random);
    return random;
  }
}
