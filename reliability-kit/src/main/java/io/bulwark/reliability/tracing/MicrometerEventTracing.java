package io.bulwark.reliability.tracing;

import io.micrometer.tracing.Link;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.TraceContext;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * {@link EventTracing} with Micrometer Tracing's tracer and propagator (OpenTelemetry's W3C
 * propagation underneath, with Boot's starter), so the spans go wherever the service exports its
 * others.
 */
public final class MicrometerEventTracing implements EventTracing {

  /** On the publish span: how long the event waited in the outbox after its commit. */
  public static final String IN_OUTBOX_MS = "bulwark.outbox.wait_ms";

  private final Tracer tracer;
  private final Propagator propagator;

  public MicrometerEventTracing(Tracer tracer, Propagator propagator) {
    this.tracer = tracer;
    this.propagator = propagator;
  }

  @Override
  public Map<String, String> currentContext() {
    Span span = tracer.currentSpan();
    return span == null ? Map.of() : headersOf(span.context());
  }

  @Override
  public Step publishing(TracedEvent event, Map<String, String> stored, Duration inOutbox) {
    Span span = continuing(stored, Span.Kind.PRODUCER, "publish", event);
    span.tag(IN_OUTBOX_MS, String.valueOf(inOutbox.toMillis()));
    return new SpanStep(span, null);
  }

  @Override
  public Step consuming(String consumer, TracedEvent event, Map<String, String> headers) {
    Span span = continuing(headers, Span.Kind.CONSUMER, "consume", event);
    span.tag("messaging.consumer.group.name", consumer);
    return new SpanStep(span, tracer.withSpan(span));
  }

  @Override
  public Step redriving(String consumer, TracedEvent event, Map<String, String> original) {
    Span.Builder builder =
        tracer.spanBuilder().kind(Span.Kind.CONSUMER).name("redrive " + event.topic());
    TraceContext failed = contextOf(original);
    if (failed != null) {
      builder = builder.addLink(new Link(failed));
    }
    Span span = builder.start();
    tag(span, event);
    span.tag("messaging.consumer.group.name", consumer);
    span.tag(REDRIVE, "true");
    return new SpanStep(span, tracer.withSpan(span));
  }

  /** On a redrive's span, whose link leads to the trace in which the record failed. */
  public static final String REDRIVE = "bulwark.deadletter.redrive";

  /** The context a W3C {@code traceparent} names ({@code 00-trace-span-flags}), or null. */
  private @Nullable TraceContext contextOf(Map<String, String> headers) {
    String traceparent = headers.get("traceparent");
    if (traceparent == null) {
      return null;
    }
    String[] parts = traceparent.split("-");
    if (parts.length != 4 || parts[1].length() != 32 || parts[2].length() != 16) {
      return null;
    }
    return tracer
        .traceContextBuilder()
        .traceId(parts[1])
        .spanId(parts[2])
        .sampled("01".equals(parts[3]))
        .build();
  }

  /** A span of {@code what} the event, started as a child of the context in {@code headers}. */
  private Span continuing(
      Map<String, String> headers, Span.Kind kind, String what, TracedEvent event) {
    Span span =
        propagator
            .extract(headers, MicrometerEventTracing::header)
            .kind(kind)
            .name(what + " " + event.topic())
            .start();
    tag(span, event);
    return span;
  }

  private static void tag(Span span, TracedEvent event) {
    span.tag("messaging.system", "kafka");
    span.tag("messaging.destination.name", event.topic());
    span.tag("messaging.message.id", event.id());
    span.tag("bulwark.event.type", event.type());
    span.tag(AGGREGATE_ID, event.aggregateId());
  }

  /** On every event's span: the aggregate it concerns, an order's id for instance. */
  public static final String AGGREGATE_ID = "bulwark.aggregate.id";

  private static @Nullable String header(@Nullable Map<String, String> carrier, String key) {
    return carrier == null ? null : carrier.get(key);
  }

  private Map<String, String> headersOf(TraceContext context) {
    Map<String, String> headers = new LinkedHashMap<>();
    propagator.inject(
        context,
        headers,
        (carrier, key, value) -> {
          if (carrier != null) {
            carrier.put(key, value);
          }
        });
    return headers;
  }

  private final class SpanStep implements Step {
    private final Span span;
    private final Tracer.@Nullable SpanInScope scope;

    SpanStep(Span span, Tracer.@Nullable SpanInScope scope) {
      this.span = span;
      this.scope = scope;
    }

    @Override
    public Map<String, String> context() {
      return headersOf(span.context());
    }

    @Override
    public void tag(String key, String value) {
      span.tag(key, value);
    }

    @Override
    public void failed(Throwable failure) {
      span.error(failure);
    }

    @Override
    public void close() {
      if (scope != null) {
        scope.close();
      }
      span.end();
    }
  }
}
