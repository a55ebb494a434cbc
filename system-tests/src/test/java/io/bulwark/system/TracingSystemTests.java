package io.bulwark.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.bulwark.fixtures.kafka.TestKafka;
import io.bulwark.harness.auth.Identities;
import io.bulwark.harness.client.OrderRequest;
import io.bulwark.harness.client.PlatformClient;
import io.bulwark.harness.http.HttpJson;
import io.bulwark.harness.http.HttpJson.Response;
import io.bulwark.harness.tracing.ReceivedSpan;
import io.bulwark.harness.tracing.ReceivedSpan.Kind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One order's path through the platform as the services export it over OTLP to a real receiver (the
 * harness's {@code OtlpReceiver}): the spans of one trace, each a child of the step that caused it,
 * asserted on the spans themselves.
 */
@SystemTest(shared = true)
class TracingSystemTests {

  private static final Duration SAGA = Duration.ofSeconds(60);
  private static final Duration EXPORT = Duration.ofSeconds(20);
  private static final JsonMapper JSON = JsonMapper.shared();
  private static final String INVENTORY_OPS = "/api/ops/inventory-service";
  private static final String ORDER_EVENTS = "bulwark.orders.events";
  private static final String INVENTORY_EVENTS = "bulwark.inventory.events";

  private static Platform platform;

  private final PlatformClient client = platform.client();

  @Test
  void anOrderPlacedThroughTheGatewayIsOneTraceFromTheRequestThroughTheSagaToItsConclusion() {
    // a SKU order-service has never had confirmed, so this order makes the SKU check
    String sku = "TRACE-" + hex(4);
    client.setStock(sku, 10);
    String traceId = hex(16);

    Response placed = placeOrder(sku, startingTrace(traceId));

    Step request = server("gateway", "/api/orders");
    Step proxied = client("gateway", "/api/orders");
    Step received = server("order-service", "/api/orders");
    Step skuCheck = client("order-service", "/api/inventory");
    Step answered = server("inventory-service", "/api/inventory");
    Step placedEvent = message("order-service", Kind.PRODUCER, "publish " + ORDER_EVENTS);
    Step reserving = message("inventory-service", Kind.CONSUMER, "consume " + ORDER_EVENTS);
    Step reply = message("inventory-service", Kind.PRODUCER, "publish " + INVENTORY_EVENTS);
    Step concluding = message("order-service", Kind.CONSUMER, "consume " + INVENTORY_EVENTS);
    List<ReceivedSpan> trace =
        platform.traces.awaitTrace(
            traceId,
            spans ->
                chain(spans, request, proxied, received, skuCheck, answered) != null
                    && chain(spans, received, placedEvent, reserving, reply, concluding) != null,
            EXPORT);

    List<ReceivedSpan> saga =
        Objects.requireNonNull(chain(trace, received, placedEvent, reserving, reply, concluding));
    assertThat(saga.get(1).attribute("bulwark.event.type")).isEqualTo("OrderPlaced");
    assertThat(saga.get(1).attribute("bulwark.outbox.wait_ms")).matches("\\d+");
    assertThat(saga.get(2).attribute("bulwark.inbox.duplicate")).isEqualTo("false");
    assertThat(saga.get(3).attribute("bulwark.event.type")).isEqualTo("StockReserved");
    for (int i = 1; i < saga.size(); i++) {
      assertThat(saga.get(i).startNanos())
          .as("%s starts after %s", saga.get(i).name(), saga.get(i - 1).name())
          .isGreaterThanOrEqualTo(saga.get(i - 1).startNanos());
    }
    assertThat(placed.header("X-Correlation-Id"))
        .as("the correlation id a user quotes is the trace's id")
        .isEqualTo(traceId);
  }

  @Test
  void anOrderWhoseRequestArrivesUnsampledRecordsNoSpanAnywhereAlongItsSaga() {
    client.setStock("TRACE-5", 10);
    String unsampled = hex(16);

    Response placed =
        placeOrder("TRACE-5", Map.of("traceparent", "00-" + unsampled + "-" + hex(8) + "-00"));

    // an order placed after it, sampled, whose saga's last span has arrived: every service has
    // exported since the unsampled saga ended
    String sampled = hex(16);
    placeOrder("TRACE-5", startingTrace(sampled));
    platform.traces.awaitTrace(
        sampled,
        spans ->
            chain(
                    spans,
                    server("order-service", "/api/orders"),
                    message("order-service", Kind.PRODUCER, "publish " + ORDER_EVENTS),
                    message("inventory-service", Kind.CONSUMER, "consume " + ORDER_EVENTS),
                    message("inventory-service", Kind.PRODUCER, "publish " + INVENTORY_EVENTS),
                    message("order-service", Kind.CONSUMER, "consume " + INVENTORY_EVENTS))
                != null,
        EXPORT);
    assertThat(platform.traces.trace(unsampled))
        .as("the sampling decision travels with the request, the outbox row and the events")
        .isEmpty();
    assertThat(placed.header("X-Correlation-Id")).isEqualTo(unsampled);
  }

  @Test
  void aDuplicateDeliveryIsASpanOfTheSameTraceThatSaysTheInboxSkippedIt() {
    client.setStock("TRACE-4", 10);
    String traceId = hex(16);
    Response placed = placeOrder("TRACE-4", startingTrace(traceId));
    String orderId = orderId(placed);
    ConsumerRecord<String, byte[]> orderPlaced =
        TestKafka.readUntil(
                ORDER_EVENTS,
                records -> records.stream().anyMatch(r -> orderId.equals(r.key())),
                SAGA)
            .stream()
            .filter(r -> orderId.equals(r.key()))
            .findFirst()
            .orElseThrow();

    TestKafka.resend(orderPlaced);

    Predicate<ReceivedSpan> reserving =
        span -> span.service().equals("inventory-service") && span.kind() == Kind.CONSUMER;
    List<ReceivedSpan> consumed =
        platform
            .traces
            .awaitTrace(traceId, spans -> spans.stream().filter(reserving).count() == 2, EXPORT)
            .stream()
            .filter(reserving)
            .toList();
    assertThat(consumed)
        .extracting(span -> span.attribute("bulwark.inbox.duplicate"))
        .containsExactly("false", "true");
    assertThat(consumed.get(1).parentSpanId())
        .as("both deliveries continue the one publish")
        .isEqualTo(consumed.get(0).parentSpanId());
  }

  @Test
  void aRedrivenDeadLetterIsProcessedAgainInASpanLinkedToTheTraceItFailedIn() {
    String traceId = hex(16);
    String spanId = hex(8);
    String orderId = UUID.randomUUID().toString();
    // a well-formed envelope whose schema is newer than inventory-service reads: it fails for good
    String event =
        "{\"eventId\": \"%s\", \"type\": \"OrderPlaced\", \"schemaVersion\": 99,"
                .formatted(UUID.randomUUID())
            + " \"aggregateType\": \"Order\", \"aggregateId\": \"%s\",".formatted(orderId)
            + " \"occurredAt\": \"2026-12-06T00:00:00Z\", \"payload\": {}}";
    TestKafka.send(
        ORDER_EVENTS,
        orderId,
        event.getBytes(java.nio.charset.StandardCharsets.UTF_8),
        Map.of("traceparent", "00-" + traceId + "-" + spanId + "-01"));
    HttpJson operator = platform.client().as(Identities.OPERATOR).http();
    long letter =
        await()
            .atMost(SAGA)
            .until(() -> deadLetterOf(operator, orderId), java.util.OptionalLong::isPresent)
            .getAsLong();

    Response redrive = operator.post(INVENTORY_OPS + "/redrives", "{\"ids\": [" + letter + "]}");
    assertThat(redrive.status()).as(redrive.body()).isEqualTo(202);

    ReceivedSpan redriven =
        await()
            .atMost(EXPORT)
            .until(
                () ->
                    platform.traces.spans().stream()
                        .filter(span -> span.links().contains(traceId + "/" + spanId))
                        .findFirst(),
                java.util.Optional::isPresent)
            .orElseThrow();
    assertThat(redriven.service()).isEqualTo("inventory-service");
    assertThat(redriven.kind()).isEqualTo(Kind.CONSUMER);
    assertThat(redriven.name()).isEqualTo("redrive " + ORDER_EVENTS);
    assertThat(redriven.traceId()).as("a trace of its own, linked").isNotEqualTo(traceId);
    assertThat(platform.traces.trace(traceId))
        .as("the delivery that failed, in the trace it carried")
        .anySatisfy(
            span -> {
              assertThat(span.name()).isEqualTo("consume " + ORDER_EVENTS);
              assertThat(span.parentSpanId()).isEqualTo(spanId);
            });
  }

  private static java.util.OptionalLong deadLetterOf(HttpJson operator, String key) {
    Response letters = operator.get(INVENTORY_OPS + "/dead-letters?limit=200");
    assertThat(letters.status()).as(letters.body()).isEqualTo(200);
    return JSON.readTree(letters.body())
        .get("items")
        .valueStream()
        .filter(letter -> key.equals(letter.get("key").asString()))
        .mapToLong(letter -> letter.get("id").asLong())
        .findFirst();
  }

  @Test
  void aRequestThatBringsNoTraceStartsOneWhoseIdItGetsBackAsItsCorrelationId() {
    client.setStock("TRACE-2", 10);

    Response placed = placeOrder("TRACE-2", Map.of());

    String correlationId = placed.header("X-Correlation-Id");
    assertThat(correlationId).matches("[0-9a-f]{32}");
    List<ReceivedSpan> trace =
        platform.traces.awaitTrace(
            correlationId,
            spans ->
                chain(
                        spans,
                        server("gateway", "/api/orders"),
                        client("gateway", "/api/orders"),
                        server("order-service", "/api/orders"))
                    != null,
            EXPORT);
    assertThat(trace)
        .filteredOn(ReceivedSpan::isRoot)
        .extracting(ReceivedSpan::service)
        .containsExactly("gateway");
  }

  @Test
  void everyLineOfAServicesJsonLogIsJsonAndTheLinesAnOrderCausedCarryItsTraceId() throws Exception {
    client.setStock("TRACE-3", 10);
    String traceId = hex(16);

    Response placed = placeOrder("TRACE-3", startingTrace(traceId));
    String orderId = orderId(placed);

    Path log = platform.jsonLog(platform.orderInstances.get(0));
    List<JsonNode> lines = new java.util.ArrayList<>();
    for (String line : Files.readAllLines(log)) {
      lines.add(JSON.readTree(line)); // throws on a line that is not one JSON object
    }
    assertThat(lines).allSatisfy(line -> assertThat(line.isObject()).isTrue());
    assertThat(lines)
        .filteredOn(line -> line.path("message").asString("").contains(orderId + " placed"))
        .singleElement()
        .satisfies(
            line -> {
              assertThat(line.path("traceId").asString("")).isEqualTo(traceId);
              assertThat(line.path("spanId").asString("")).matches("[0-9a-f]{16}");
            });
  }

  private Response placeOrder(String sku, Map<String, String> headers) {
    Map<String, String> all = new java.util.HashMap<>(headers);
    all.put("Idempotency-Key", UUID.randomUUID().toString());
    Response placed =
        client
            .http()
            .send("POST", "/api/orders", OrderRequest.of(sku, 1).json(), "application/json", all);
    assertThat(placed.status()).as(placed.body()).isEqualTo(201);
    client.awaitConcluded(orderId(placed), SAGA);
    return placed;
  }

  /** A {@code traceparent} that makes the request the first step of trace {@code traceId}. */
  private static Map<String, String> startingTrace(String traceId) {
    return Map.of("traceparent", "00-" + traceId + "-" + hex(8) + "-01");
  }

  private static String orderId(Response placed) {
    String location = Objects.requireNonNull(placed.header("Location"));
    return location.substring(location.lastIndexOf('/') + 1);
  }

  /** What one span of a trace is: its service, its kind, and what it names. */
  private record Step(String service, Kind kind, Predicate<ReceivedSpan> matches, String label) {}

  private static Step server(String service, String path) {
    return new Step(
        service,
        Kind.SERVER,
        span -> path.equals(span.attribute("uri")) || path.equals(span.attribute("http.url")),
        service + " serving " + path);
  }

  private static Step client(String service, String path) {
    return new Step(
        service,
        Kind.CLIENT,
        span -> Objects.requireNonNullElse(span.attribute("http.url"), "").contains(path),
        service + " calling " + path);
  }

  private static Step message(String service, Kind kind, String name) {
    return new Step(service, kind, span -> span.name().equals(name), service + " " + name);
  }

  /**
   * The spans that make up {@code steps} in causal order, each the child of the one before, or null
   * while the trace lacks one.
   */
  private static @Nullable List<ReceivedSpan> chain(List<ReceivedSpan> trace, Step... steps) {
    List<ReceivedSpan> found = new java.util.ArrayList<>();
    @Nullable String parent = null;
    for (Step step : steps) {
      String expectedParent = parent;
      ReceivedSpan span =
          trace.stream()
              .filter(s -> s.service().equals(step.service()) && s.kind() == step.kind())
              .filter(step.matches())
              .filter(s -> expectedParent == null || expectedParent.equals(s.parentSpanId()))
              .findFirst()
              .orElse(null);
      if (span == null) {
        return null;
      }
      found.add(span);
      parent = span.spanId();
    }
    return found;
  }

  private static String hex(int bytes) {
    byte[] random = new byte[bytes];
    ThreadLocalRandom.current().nextBytes(random);
    return HexFormat.of().formatHex(random);
  }
}
