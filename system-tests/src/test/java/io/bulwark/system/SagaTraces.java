package io.bulwark.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.bulwark.harness.tracing.OtlpReceiver;
import io.bulwark.harness.tracing.ReceivedSpan;
import io.bulwark.harness.tracing.ReceivedSpan.Kind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;

/** What the traces of orders must show, whatever happened between their steps. */
final class SagaTraces {

  private SagaTraces() {}

  /**
   * Each order's {@code OrderPlaced} was published in the trace of the request that placed it (its
   * publish a child of order-service's span of that request), however long it waited in the outbox,
   * and inventory-service consumed it as a child of that publish.
   */
  static void assertPublishedInTheirRequestsTrace(OtlpReceiver traces, List<String> orderIds) {
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              Index index = new Index(traces.spans());
              for (String order : orderIds) {
                assertThat(index.wholeFor(order))
                    .as("the trace of order %s: %s", order, index.spansOf(order))
                    .isTrue();
              }
            });
  }

  /** The spans received, looked up by id, by parent and by the aggregate they concern. */
  private static final class Index {
    private final Map<String, ReceivedSpan> byId = new HashMap<>();
    private final Map<String, List<ReceivedSpan>> byParent = new HashMap<>();
    private final Map<String, List<ReceivedSpan>> byAggregate = new HashMap<>();

    Index(List<ReceivedSpan> spans) {
      for (ReceivedSpan span : spans) {
        byId.put(span.spanId(), span);
        if (span.parentSpanId() != null) {
          byParent.computeIfAbsent(span.parentSpanId(), id -> new ArrayList<>()).add(span);
        }
        String aggregate = span.attribute("bulwark.aggregate.id");
        if (aggregate != null) {
          byAggregate.computeIfAbsent(aggregate, id -> new ArrayList<>()).add(span);
        }
      }
    }

    boolean wholeFor(String order) {
      return byAggregate.getOrDefault(order, List.of()).stream()
          .filter(span -> span.kind() == Kind.PRODUCER && span.service().equals("order-service"))
          .filter(span -> "OrderPlaced".equals(span.attribute("bulwark.event.type")))
          .anyMatch(publish -> placedBy(publish) && consumed(publish));
    }

    private boolean placedBy(ReceivedSpan publish) {
      ReceivedSpan request =
          publish.parentSpanId() == null ? null : byId.get(publish.parentSpanId());
      return request != null
          && request.kind() == Kind.SERVER
          && request.service().equals("order-service")
          && request.traceId().equals(publish.traceId());
    }

    private boolean consumed(ReceivedSpan publish) {
      return byParent.getOrDefault(publish.spanId(), List.of()).stream()
          .anyMatch(
              consume ->
                  consume.kind() == Kind.CONSUMER && consume.service().equals("inventory-service"));
    }

    /** The order's event spans, and the spans they name as parents, for a failure's message. */
    List<String> spansOf(String order) {
      return byAggregate.getOrDefault(order, List.of()).stream()
          .map(
              event ->
                  event
                      + " parent "
                      + (event.parentSpanId() == null ? null : byId.get(event.parentSpanId())))
          .toList();
    }
  }
}
