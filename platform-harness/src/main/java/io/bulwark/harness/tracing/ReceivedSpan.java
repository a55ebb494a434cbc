package io.bulwark.harness.tracing;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One span as a service exported it: ids in lowercase hex, times in nanoseconds since the epoch,
 * attributes as strings, the spans it links to as {@code traceId/spanId}.
 */
public record ReceivedSpan(
    String service,
    String traceId,
    String spanId,
    @Nullable String parentSpanId,
    String name,
    Kind kind,
    long startNanos,
    long endNanos,
    Map<String, String> attributes,
    List<String> events,
    List<String> links) {

  /** OTLP's span kinds. */
  public enum Kind {
    UNSPECIFIED,
    INTERNAL,
    SERVER,
    CLIENT,
    PRODUCER,
    CONSUMER
  }

  public boolean isRoot() {
    return parentSpanId == null;
  }

  public @Nullable String attribute(String key) {
    return attributes.get(key);
  }

  @Override
  public String toString() {
    return "%s %s %s [%s<-%s] %s".formatted(service, kind, name, spanId, parentSpanId, attributes);
  }
}
