package io.bulwark.reliability.tracing;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** A trace context's propagation headers as stored in a row (JSON) and sent on a Kafka record. */
public final class TraceHeaders {

  private static final JsonMapper JSON = JsonMapper.shared();
  private static final TypeReference<Map<String, String>> MAP = new TypeReference<>() {};

  private TraceHeaders() {}

  /** The headers as a JSON object, or null for none. */
  public static @Nullable String toJson(Map<String, String> headers) {
    return headers.isEmpty() ? null : JSON.writeValueAsString(headers);
  }

  public static Map<String, String> fromJson(@Nullable String json) {
    return json == null ? Map.of() : JSON.readValue(json, MAP);
  }

  /** Every header of the record whose value is text, the last one of a repeated name winning. */
  public static Map<String, String> of(Headers headers) {
    Map<String, String> text = new LinkedHashMap<>();
    for (Header header : headers) {
      if (header.value() != null) {
        text.put(header.key(), new String(header.value(), StandardCharsets.UTF_8));
      }
    }
    return text;
  }

  /**
   * The W3C trace context headers of a record ({@code traceparent}, {@code tracestate}, {@code
   * baggage}), without its other headers.
   */
  public static Map<String, String> propagation(Headers headers) {
    Map<String, String> context = new LinkedHashMap<>(of(headers));
    context.keySet().retainAll(PROPAGATION);
    return context;
  }

  private static final java.util.Set<String> PROPAGATION =
      java.util.Set.of("traceparent", "tracestate", "baggage");

  /** Puts the headers on a record, replacing any of the same names. */
  public static void put(Headers headers, Map<String, String> context) {
    context.forEach(
        (name, value) -> {
          headers.remove(name);
          headers.add(name, value.getBytes(StandardCharsets.UTF_8));
        });
  }
}
