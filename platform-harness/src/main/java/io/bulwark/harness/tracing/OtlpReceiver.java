package io.bulwark.harness.tracing;

import com.google.protobuf.ByteString;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.zip.GZIPInputStream;
import org.jspecify.annotations.Nullable;

/**
 * A trace receiver on loopback speaking OTLP over HTTP (protobuf, {@code POST /v1/traces}), as an
 * OpenTelemetry collector does: the services export to {@link #endpoint()}. Started by {@link
 * #start()} it keeps everything it receives until closed, and the tests read what arrived, span by
 * span, by trace; started by {@link #forwardingTo} it hands each batch on and keeps nothing (the
 * local run's, into Zipkin).
 */
public final class OtlpReceiver implements AutoCloseable {

  private static final HexFormat HEX = HexFormat.of();

  private final HttpServer server;
  private final ExecutorService threads = Executors.newFixedThreadPool(2);
  private final List<ReceivedSpan> spans = new CopyOnWriteArrayList<>();
  private final @Nullable Consumer<List<ReceivedSpan>> sink;

  private OtlpReceiver(HttpServer server, @Nullable Consumer<List<ReceivedSpan>> sink) {
    this.server = server;
    this.sink = sink;
  }

  /** A receiver that keeps every span, for {@link #spans()} and {@link #trace}. */
  public static OtlpReceiver start() {
    return start(null);
  }

  /** A receiver that hands each batch received to {@code sink} and keeps nothing. */
  public static OtlpReceiver forwardingTo(Consumer<List<ReceivedSpan>> sink) {
    return start(sink);
  }

  private static OtlpReceiver start(@Nullable Consumer<List<ReceivedSpan>> sink) {
    try {
      HttpServer server =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
      OtlpReceiver receiver = new OtlpReceiver(server, sink);
      server.createContext("/v1/traces", receiver::export);
      server.setExecutor(receiver.threads);
      server.start();
      return receiver;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Where the services send their spans: {@code http://127.0.0.1:port/v1/traces}. */
  public String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1/traces";
  }

  /** Every span received so far. */
  public List<ReceivedSpan> spans() {
    return List.copyOf(spans);
  }

  /** The spans received so far of one trace, in the order they started. */
  public List<ReceivedSpan> trace(String traceId) {
    return spans.stream()
        .filter(span -> span.traceId().equals(traceId))
        .sorted((a, b) -> Long.compare(a.startNanos(), b.startNanos()))
        .toList();
  }

  /**
   * The spans of one trace once they satisfy {@code complete} (spans arrive in batches, each
   * service on its own schedule), or an error listing what did arrive within {@code timeout}.
   */
  public List<ReceivedSpan> awaitTrace(
      String traceId, Predicate<List<ReceivedSpan>> complete, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      List<ReceivedSpan> trace = trace(traceId);
      if (complete.test(trace)) {
        return trace;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "trace "
                + traceId
                + " incomplete after "
                + timeout
                + ":\n"
                + String.join("\n", lines(trace)));
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  private static List<String> lines(List<ReceivedSpan> trace) {
    return trace.stream().map(ReceivedSpan::toString).toList();
  }

  private void export(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!"POST".equals(exchange.getRequestMethod())) {
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      InputStream body = exchange.getRequestBody();
      if ("gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
        body = new GZIPInputStream(body);
      }
      ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(body);
      List<ReceivedSpan> batch = new ArrayList<>();
      for (ResourceSpans resource : request.getResourceSpansList()) {
        String service =
            attributes(resource.getResource().getAttributesList())
                .getOrDefault("service.name", "unknown");
        for (ScopeSpans scope : resource.getScopeSpansList()) {
          for (Span span : scope.getSpansList()) {
            batch.add(received(service, span));
          }
        }
      }
      if (sink == null) {
        spans.addAll(batch);
      } else {
        sink.accept(batch);
      }
      byte[] response = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
      exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
      exchange.sendResponseHeaders(200, response.length);
      exchange.getResponseBody().write(response);
    }
  }

  private static ReceivedSpan received(String service, Span span) {
    List<String> links = new ArrayList<>();
    for (Span.Link link : span.getLinksList()) {
      links.add(hex(link.getTraceId()) + "/" + hex(link.getSpanId()));
    }
    List<String> events = span.getEventsList().stream().map(Span.Event::getName).toList();
    return new ReceivedSpan(
        service,
        hex(span.getTraceId()),
        hex(span.getSpanId()),
        span.getParentSpanId().isEmpty() ? null : hex(span.getParentSpanId()),
        span.getName(),
        ReceivedSpan.Kind.values()[Math.min(span.getKindValue(), 5)],
        span.getStartTimeUnixNano(),
        span.getEndTimeUnixNano(),
        attributes(span.getAttributesList()),
        events,
        links);
  }

  private static Map<String, String> attributes(List<KeyValue> pairs) {
    Map<String, String> attributes = new LinkedHashMap<>();
    for (KeyValue pair : pairs) {
      attributes.put(pair.getKey(), text(pair.getValue()));
    }
    return attributes;
  }

  private static String text(AnyValue value) {
    return switch (value.getValueCase()) {
      case STRING_VALUE -> value.getStringValue();
      case BOOL_VALUE -> String.valueOf(value.getBoolValue());
      case INT_VALUE -> String.valueOf(value.getIntValue());
      case DOUBLE_VALUE -> String.valueOf(value.getDoubleValue());
      default -> value.toString().strip();
    };
  }

  private static String hex(ByteString id) {
    return HEX.formatHex(id.toByteArray());
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
