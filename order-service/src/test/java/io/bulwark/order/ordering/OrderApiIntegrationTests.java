package io.bulwark.order.ordering;

import static org.assertj.core.api.Assertions.assertThat;

import io.bulwark.harness.client.OrderRequest;
import io.bulwark.harness.http.HttpJson.Response;
import io.bulwark.order.OrderServiceTestBase;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

class OrderApiIntegrationTests extends OrderServiceTestBase {

  @Autowired JdbcClient jdbc;

  @Test
  void placingAnOrderAnswersCreatedAndStoresItsEventInTheSameTransaction() {
    Response response = http().postOnce("/api/orders", OrderRequest.of("SKU-1", 2).json());

    assertThat(response.status()).isEqualTo(201);
    String id = response.header("Location").substring("/api/orders/".length());
    assertThat(response.body())
        .contains(
            "\"id\":\"" + id + "\"",
            "\"customerId\":\"customer-1\"",
            "\"status\":\"PENDING\"",
            "\"createdAt\"",
            "\"sku\":\"SKU-1\"",
            "\"quantity\":2")
        .doesNotContain("rejectionReason");
    assertThat(
            jdbc.sql("SELECT event_type FROM bulwark.outbox WHERE message_key = ?")
                .param(id)
                .query(String.class)
                .list())
        .containsExactly("OrderPlaced");
    assertThat(http().get("/api/orders/" + id).body()).contains("\"status\":\"PENDING\"");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"customerId\": \"c\", \"items\": []}",
        "{\"customerId\": \"c\"}",
        "{\"customerId\": \"c\", \"items\": [{\"sku\": \"SKU-1\", \"quantity\": 0}]}",
        "{\"customerId\": \"c\", \"items\": [{\"sku\": \"SKU-1\", \"quantity\": -5}]}",
        "{\"customerId\": \"c\", \"items\": [{\"sku\": \"\", \"quantity\": 1}]}",
        "{\"customerId\": \"c\", \"items\": [{\"sku\": \"a b\", \"quantity\": 1}]}",
        "{\"customerId\": \"c\", \"items\": [null]}",
        "{\"customerId\": \"c\", \"items\": [{\"sku\": \"SKU-1\", \"quantity\": \"two\"}]}",
        "{\"customerId\": \"c\", \"items\": [{\"sku\": \"SKU-1\", \"quantity\": 1}",
        "[]",
        "null",
        "",
        "{\"customerId\": \"c\", \"items\": [{\"sku\": \"SKU-1\", \"quantity\": 1.5}]}",
        "{\"customerId\": \"c\", \"items\": [{\"sku\": \"SKU-1\", \"quantity\": \"2\"}]}",
        "{\"customerId\": 42, \"items\": [{\"sku\": \"SKU-1\", \"quantity\": 1}]}",
        "{\"customerId\": \"c\", \"items\": [{\"sku\": \"SKU-1\", \"quantity\": 1}]} trailing"
      })
  void anInvalidOrderIsABadRequestProblemAndStoresNothing(String body) {
    long before = orders();

    Response response = http().postOnce("/api/orders", body);

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.header("Content-Type")).startsWith("application/problem+json");
    assertThat(response.body()).doesNotContain("Exception", "\tat ");
    assertThat(orders()).isEqualTo(before);
  }

  @Test
  void validationProblemsNameEachInvalidField() {
    Response response =
        http()
            .postOnce(
                "/api/orders",
                "{\"customerId\": \"" + "c".repeat(65) + "\", \"items\": [{\"sku\": \"S\"}]}");

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.body())
        .contains("\"field\":\"customerId\"", "\"field\":\"items[0].quantity\"");
  }

  @Test
  void anUnknownOrderIsANotFoundProblem() {
    Response response = http().get("/api/orders/" + UUID.randomUUID());

    assertThat(response.status()).isEqualTo(404);
    assertThat(response.header("Content-Type")).startsWith("application/problem+json");
  }

  @Test
  void anOrderIdThatIsNotAUuidIsABadRequest() {
    assertThat(http().get("/api/orders/not-a-uuid").status()).isEqualTo(400);
    assertThat(http().postOnce("/api/orders/not-a-uuid/cancel", null).status()).isEqualTo(400);
  }

  @Test
  void cancellingAnUnknownOrderIsANotFoundProblem() {
    assertThat(http().postOnce("/api/orders/" + UUID.randomUUID() + "/cancel", null).status())
        .isEqualTo(404);
  }

  @Test
  void aFormBodyIsAnUnsupportedMediaType() {
    Response response =
        http()
            .send(
                "POST",
                "/api/orders",
                "customerId=c",
                "application/x-www-form-urlencoded",
                Map.of("Idempotency-Key", UUID.randomUUID().toString()));

    assertThat(response.status()).isEqualTo(415);
  }

  @Test
  void aWildcardContentTypeIsAnUnsupportedMediaTypeNotAServerError() {
    Response response =
        http()
            .send(
                "POST",
                "/api/orders",
                OrderRequest.of("SKU-1", 1).json(),
                "*/*",
                Map.of("Idempotency-Key", UUID.randomUUID().toString()));

    assertThat(response.status()).isEqualTo(415);
    assertThat(response.header("Content-Type")).startsWith("application/problem+json");
  }

  @Test
  void placingAndCancellingNeedAnIdempotencyKey() {
    long before = orders();

    Response place = http().post("/api/orders", OrderRequest.of("SKU-1", 1).json());
    Response cancel = http().post("/api/orders/" + UUID.randomUUID() + "/cancel", null);

    assertThat(place.status()).isEqualTo(400);
    assertThat(place.header("Content-Type")).startsWith("application/problem+json");
    assertThat(cancel.status()).isEqualTo(400);
    assertThat(orders()).isEqualTo(before);
  }

  @Test
  void aRetriedPlacementWithTheSameKeyReturnsTheFirstOrderAndCreatesNoOther() {
    String key = UUID.randomUUID().toString();
    String body = OrderRequest.of("SKU-1", 1).json();
    long before = orders();

    Response first = http().postWithKey("/api/orders", body, key);
    Response retry = http().postWithKey("/api/orders", body, key);

    assertThat(retry.status()).isEqualTo(201);
    assertThat(retry.header("Idempotent-Replayed")).isEqualTo("true");
    assertThat(retry.header("Location")).isEqualTo(first.header("Location"));
    assertThat(retry.body()).isEqualTo(first.body());
    assertThat(orders()).isEqualTo(before + 1);
  }

  private long orders() {
    return jdbc.sql("SELECT count(*) FROM orders").query(Long.class).single();
  }
}
