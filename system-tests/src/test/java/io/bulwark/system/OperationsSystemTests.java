package io.bulwark.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.bulwark.fixtures.kafka.TestKafka;
import io.bulwark.harness.auth.Identities;
import io.bulwark.harness.http.HttpJson;
import io.bulwark.harness.http.HttpJson.Response;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The operations API through the gateway, on the running platform: the operator's alone, however
 * the path is spelled, and a dead letter found, inspected, redriven and discarded with every step
 * in the audit log.
 */
@SystemTest
class OperationsSystemTests {

  private static final JsonMapper JSON = JsonMapper.shared();
  private static final String ORDERS_OPS = "/api/ops/order-service";
  private static final String INVENTORY_OPS = "/api/ops/inventory-service";

  private static Platform platform;
  private static HttpJson operator;
  private static HttpJson customer;
  private static HttpJson anonymous;

  @BeforeAll
  static void callers() {
    operator = platform.client().as(Identities.OPERATOR).http();
    customer = platform.client().http();
    anonymous = new HttpJson(platform.gateway());
  }

  @Test
  void onlyTheOperatorReachesEitherServicesOperationsHoweverThePathIsSpelled() {
    for (String base : List.of(ORDERS_OPS, INVENTORY_OPS)) {
      for (String path :
          List.of(
              base + "/state",
              base.replace("/ops/", "/%6fps/") + "/state",
              base + "/%64ead-letters",
              base + "/./audit",
              base + ";x=1/state")) {
        Response withoutToken = anonymous.get(path);
        Response asCustomer = customer.get(path);
        // a path that is not canonical is refused before anyone is asked who they are
        assertThat(withoutToken.status()).as(path).isIn(400, 401);
        assertThat(asCustomer.status()).as(path).isIn(400, 403);
        assertThat(withoutToken.body()).as(path).doesNotContain("outboxBacklog", "items");
        assertThat(asCustomer.body()).as(path).doesNotContain("outboxBacklog", "items");
      }
      assertThat(anonymous.get(base + "/state").status()).isEqualTo(401);
      assertThat(anonymous.post(base + "/redrives", "{\"ids\": [1]}").status()).isEqualTo(401);
      assertThat(customer.post(base + "/redrives", "{\"ids\": [1]}").status()).isEqualTo(403);
      assertThat(operator.get(base + "/state").status()).isEqualTo(200);
    }
  }

  @Test
  void theOperatorInspectsRedrivesAndDiscardsARecordOrderServiceGaveUpOn() {
    String key = "ops-system-" + UUID.randomUUID();
    TestKafka.send(
        "bulwark.inventory.events",
        key,
        ("{\"broken\": \"" + key + "\"}").getBytes(StandardCharsets.UTF_8));

    JsonNode letter =
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> listed(ORDERS_OPS, key), Optional::isPresent)
            .orElseThrow();
    long id = letter.get("id").asLong();
    JsonNode inspected = json(operator.get(ORDERS_OPS + "/dead-letters/" + id));
    assertThat(inspected.get("payload").get("broken").asString()).isEqualTo(key);
    assertThat(inspected.get("source").get("consumerGroup").asString()).isEqualTo("order-service");

    Response redrive = operator.post(ORDERS_OPS + "/redrives", "{\"ids\": [" + id + "]}");
    assertThat(redrive.status()).isEqualTo(202);
    String job = redrive.header("Location");
    JsonNode done =
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () -> json(operator.get(job)),
                progress -> "DONE".equals(progress.get("job").get("status").asString()));
    assertThat(done.get("results").get("items").get(0).get("outcome").asString())
        .as("a record that is no event fails again")
        .isEqualTo("FAILED");

    Response discard =
        operator.post(
            ORDERS_OPS + "/dead-letters/" + id + "/discard",
            "{\"reason\": \"injected by a test\"}");
    assertThat(discard.status()).isEqualTo(200);
    assertThat(operator.post(ORDERS_OPS + "/redrives", "{\"ids\": [" + id + "]}").status())
        .isEqualTo(409);
    List<String> audited =
        json(operator.get(ORDERS_OPS + "/audit?limit=50"))
            .get("items")
            .valueStream()
            .filter(entry -> entry.get("target").asString().contains(String.valueOf(id)))
            .map(entry -> entry.get("actor").asString() + ": " + entry.get("outcome").asString())
            .toList();
    assertThat(audited)
        .contains("operator: discarded: injected by a test")
        .anyMatch(line -> line.startsWith("operator: started job"))
        .anyMatch(line -> line.startsWith("operator: refused: discarded"));
  }

  private static Optional<JsonNode> listed(String base, String key) {
    return json(operator.get(base + "/dead-letters?error=Malformed&limit=200"))
        .get("items")
        .valueStream()
        .filter(letter -> key.equals(letter.get("key").asString()))
        .findFirst();
  }

  private static JsonNode json(Response response) {
    assertThat(response.status()).as(response.body()).isLessThan(300);
    return JSON.readTree(response.body());
  }
}
