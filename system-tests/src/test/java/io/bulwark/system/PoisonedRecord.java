package io.bulwark.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.bulwark.fixtures.kafka.TestKafka;
import io.bulwark.harness.http.HttpJson;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A record that is no event, sent to the topic order-service consumes: order-service gives up on it
 * at once (it can never be read) and keeps it as a dead letter, which the operator then finds
 * through the operations API by the record's key.
 */
record PoisonedRecord(String key) {

  private static final String ORDERS_OPS = "/api/ops/order-service";

  /** Sends one, its key and payload naming it with {@code prefix} and a random part. */
  static PoisonedRecord send(String prefix) {
    String key = prefix + "-" + UUID.randomUUID();
    TestKafka.send(
        "bulwark.inventory.events",
        key,
        ("{\"broken\": \"" + key + "\"}").getBytes(StandardCharsets.UTF_8));
    return new PoisonedRecord(key);
  }

  /** Its dead letter (as the list shows it), once order-service has recorded it. */
  JsonNode awaitDeadLetter(HttpJson operator, Duration timeout) {
    return await().atMost(timeout).until(() -> listed(operator), Optional::isPresent).orElseThrow();
  }

  private Optional<JsonNode> listed(HttpJson operator) {
    HttpJson.Response page = operator.get(ORDERS_OPS + "/dead-letters?error=Malformed&limit=200");
    assertThat(page.status()).as(page.body()).isLessThan(300);
    return JsonMapper.shared()
        .readTree(page.body())
        .get("items")
        .valueStream()
        .filter(letter -> key.equals(letter.get("key").asString()))
        .findFirst();
  }
}
