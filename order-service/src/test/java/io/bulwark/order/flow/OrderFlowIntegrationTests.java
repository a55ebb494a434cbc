package io.bulwark.order.flow;

import static org.assertj.core.api.Assertions.assertThat;

import io.bulwark.harness.client.OrderRequest;
import io.bulwark.harness.http.HttpJson.Response;
import io.bulwark.order.OrderServiceTestBase;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What the console's flow page and an order's timeline read from order-service: the flow on the
 * management port, and the order's trail through the operations API, from the real database.
 */
class OrderFlowIntegrationTests extends OrderServiceTestBase {

  private static final JsonMapper JSON = JsonMapper.shared();

  @Autowired JdbcClient jdbc;

  @Test
  void theFlowCountsAnOrderInTheSecondItWasPlacedAndItsSagaWhenItConcludes() {
    String id = placed(UUID.randomUUID().toString());
    // the saga's conclusion, as the reply's handler writes it, 250 ms after the placing; both a
    // second earlier, so that the conclusion is past when the flow is read at once
    jdbc.sql(
            "UPDATE orders SET status = 'CONFIRMED', created_at = created_at - interval '1 second',"
                + " updated_at = created_at - interval '750 milliseconds' WHERE id = ?::uuid")
        .param(id)
        .update();

    JsonNode flow = JSON.readTree(management().get("/actuator/flow").body());

    assertThat(flow.get("windowSeconds").asLong()).isEqualTo(60);
    assertThat(flow.get("seconds")).hasSize(60);
    long placed = 0;
    long confirmed = 0;
    for (JsonNode second : flow.get("seconds")) {
      placed += second.get("placed").asLong();
      confirmed += second.get("confirmed").asLong();
    }
    assertThat(placed).as("orders placed in the last minute").isPositive();
    assertThat(confirmed).as("sagas confirmed in the last minute").isPositive();
    JsonNode latency = flow.get("sagaLatency");
    assertThat(latency.get("concluded").asLong()).isPositive();
    assertThat(latency.get("maxMs").asDouble()).isGreaterThanOrEqualTo(250.0);
    JsonNode latest = null;
    for (JsonNode order : flow.get("latest")) {
      if (order.get("id").asString().equals(id)) {
        latest = order;
      }
    }
    assertThat(latest).as("the order among the latest").isNotNull();
    assertThat(latest.get("status").asString()).isEqualTo("CONFIRMED");
    assertThat(latest.get("tookMs").asLong()).isEqualTo(250);
    assertThat(flow.get("byStatus").properties())
        .extracting(java.util.Map.Entry::getKey)
        .contains("PENDING", "CONFIRMED", "REJECTED", "CANCELLED");
  }

  @Test
  void anOrdersTrailNamesItsEventTheInstanceThatAppendedItAndTheKeyThatPlacedIt() {
    String key = UUID.randomUUID().toString();
    String id = placed(key);
    String operator = ISSUER.mint().subject("operator").roles("operator").scopes().sign();

    JsonNode trail =
        JSON.readTree(http(operator).get("/api/ops/order-service/messages/" + id).body());
    JsonNode keys =
        JSON.readTree(
            http(operator)
                .get("/api/ops/order-service/idempotency-keys?resource=/api/orders/" + id)
                .body());

    JsonNode event = trail.get("appended").get(0);
    assertThat(event.get("eventType").asString()).isEqualTo("OrderPlaced");
    assertThat(event.get("appendedBy").asString()).as("the instance's name").isNotBlank();
    assertThat(trail.get("consumed")).isEmpty();
    assertThat(trail.get("deadLettered")).as("nothing given up on").isEmpty();
    assertThat(keys).hasSize(1);
    assertThat(keys.get(0).get("key").asString()).isEqualTo(key);
    assertThat(keys.get(0).get("status").asInt()).isEqualTo(201);
    assertThat(http().get("/api/ops/order-service/messages/" + id).status())
        .as("a customer's token")
        .isEqualTo(403);
    assertThat(http().bare().get("/api/ops/order-service/messages/" + id).status())
        .as("no token")
        .isEqualTo(401);
    assertThat(
            http()
                .get("/api/ops/order-service/idempotency-keys?resource=/api/orders/" + id)
                .status())
        .as("a customer's token, even for its own order")
        .isEqualTo(403);
    assertThat(
            http()
                .bare()
                .get("/api/ops/order-service/idempotency-keys?resource=/api/orders/" + id)
                .status())
        .as("no token")
        .isEqualTo(401);
    assertThat(
            http(operator).get("/api/ops/order-service/messages/" + id + "?consumed=nope").status())
        .isEqualTo(400);
  }

  private String placed(String key) {
    Response response = http().postWithKey("/api/orders", OrderRequest.of("SKU-1", 1).json(), key);
    assertThat(response.status()).isEqualTo(201);
    return response.header("Location").substring("/api/orders/".length());
  }
}
