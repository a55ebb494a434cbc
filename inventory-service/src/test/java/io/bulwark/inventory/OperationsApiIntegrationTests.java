package io.bulwark.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.bulwark.fixtures.kafka.TestKafka;
import io.bulwark.harness.http.HttpJson.Response;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The operations API as inventory-service serves it, asked directly: the operator's alone, and
 * every malformed or impossible request refused with the right problem while nothing changes.
 */
class OperationsApiIntegrationTests extends InventoryServiceTestBase {

  private static final String ORDER_EVENTS = "bulwark.orders.events";
  private static final String OPS = "/api/ops/inventory-service";
  private static final JsonMapper JSON = JsonMapper.shared();

  private static final List<String> READS =
      List.of(
          OPS + "/dead-letters",
          OPS + "/dead-letters/1",
          OPS + "/redrives",
          OPS + "/audit",
          OPS + "/state");

  @Test
  void withoutATokenEveryOperationIsUnauthorized() {
    for (String path : READS) {
      Response read = http().bare().get(path);
      assertThat(read.status()).as(path).isEqualTo(401);
      assertThat(read.header("WWW-Authenticate")).startsWith("Bearer");
      assertThat(read.header("Content-Type")).startsWith("application/problem+json");
    }
    assertThat(http().bare().post(OPS + "/redrives", "{\"ids\": [1]}").status()).isEqualTo(401);
    assertThat(http().bare().post(OPS + "/dead-letters/1/discard", "{\"reason\": \"x\"}").status())
        .isEqualTo(401);
  }

  @Test
  void aCustomerOrAMachineMayNotUseTheOperationsApi() {
    for (String token :
        List.of(
            ISSUER.token("customer-1", "orders"),
            ISSUER.token("order-service", "inventory:read"))) {
      for (String path : READS) {
        Response read = http(token).get(path);
        assertThat(read.status()).as(path).isEqualTo(403);
        assertThat(read.header("Content-Type")).startsWith("application/problem+json");
      }
      assertThat(http(token).post(OPS + "/redrives", "{\"ids\": [1]}").status()).isEqualTo(403);
      assertThat(http(token).post(OPS + "/dead-letters/1/discard", "{\"reason\": \"x\"}").status())
          .isEqualTo(403);
    }
  }

  @Test
  void theOperatorFindsInspectsDiscardsAndAuditsARecordTheConsumerGaveUpOn() {
    String key = "ops-" + UUID.randomUUID();
    TestKafka.send(
        ORDER_EVENTS,
        key,
        ("{\"not\": \"an envelope\", \"key\": \"" + key + "\"}").getBytes(StandardCharsets.UTF_8));

    JsonNode listed = awaitListed(key);
    long id = listed.get("id").asLong();
    assertThat(listed.get("source").get("topic").asString()).isEqualTo(ORDER_EVENTS);
    assertThat(listed.get("failure").get("exceptionClass").asString())
        .endsWith("MalformedEventException");
    assertThat(listed.has("payload") && !listed.get("payload").isNull())
        .as("no payload in a list")
        .isFalse();

    JsonNode inspected = json(http().get(OPS + "/dead-letters/" + id));
    assertThat(inspected.get("payload").get("key").asString()).isEqualTo(key);
    assertThat(inspected.get("status").asString()).isEqualTo("OPEN");

    Response noReason =
        http().post(OPS + "/dead-letters/" + id + "/discard", "{\"reason\": \" \"}");
    assertThat(noReason.status()).isEqualTo(400);
    assertThat(json(http().get(OPS + "/dead-letters/" + id)).get("status").asString())
        .isEqualTo("OPEN");

    Response discarded =
        http()
            .post(OPS + "/dead-letters/" + id + "/discard", "{\"reason\": \"not an order event\"}");
    assertThat(discarded.status()).isEqualTo(200);
    assertThat(json(discarded).get("resolution").get("by").asString()).isEqualTo("operator");
    assertThat(
            http()
                .post(OPS + "/dead-letters/" + id + "/discard", "{\"reason\": \"again\"}")
                .status())
        .isEqualTo(409);

    assertThat(http().get(OPS + "/dead-letters?limit=200").body())
        .as("the list shows open records unless asked")
        .doesNotContain(key);
    assertThat(http().get(OPS + "/dead-letters?status=DISCARDED&limit=200").body()).contains(key);

    Response redrive = http().post(OPS + "/redrives", "{\"ids\": [" + id + "]}");
    assertThat(redrive.status()).isEqualTo(409);
    assertThat(redrive.header("Content-Type")).startsWith("application/problem+json");
    assertThat(json(http().get(OPS + "/dead-letters/" + id)).get("status").asString())
        .isEqualTo("DISCARDED");

    JsonNode audit = json(http().get(OPS + "/audit?limit=20")).get("items");
    assertThat(audit.valueStream().map(entry -> entry.get("outcome").asString()))
        .contains("discarded: not an order event")
        .anyMatch(outcome -> outcome.startsWith("refused: discarded dead letters"));
    assertThat(audit.valueStream().map(entry -> entry.get("actor").asString()))
        .containsOnly("operator");
  }

  @Test
  void aRedriveOfARecordThatStillFailsEndsWithItsFailureAsResult() {
    String key = "again-" + UUID.randomUUID();
    TestKafka.send(
        ORDER_EVENTS, key, ("{\"still\": \"" + key + "\"}").getBytes(StandardCharsets.UTF_8));
    long id = awaitListed(key).get("id").asLong();

    Response started =
        http().post(OPS + "/redrives", "{\"ids\": [" + id + "], \"ratePerSecond\": 5}");

    assertThat(started.status()).isEqualTo(202);
    String location = started.header("Location");
    assertThat(location).startsWith(OPS + "/redrives/");
    JsonNode done =
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () -> json(http().get(location)),
                progress -> progress.get("job").get("status").asString().equals("DONE"));
    assertThat(done.get("done").asInt()).isEqualTo(1);
    JsonNode result = done.get("results").get("items").get(0);
    assertThat(result.get("deadLetterId").asLong()).isEqualTo(id);
    assertThat(result.get("outcome").asString()).isEqualTo("FAILED");
    assertThat(result.get("detail").asString()).isNotBlank();
    JsonNode letter = json(http().get(OPS + "/dead-letters/" + id));
    assertThat(letter.get("status").asString()).as("still open").isEqualTo("OPEN");
    assertThat(letter.get("attempts").asInt()).as("the redrive counted").isEqualTo(2);
  }

  @Test
  void malformedOrImpossibleRequestsAreRefusedWithAProblemAndChangeNothing() {
    Map<String, Integer> refusals =
        Map.ofEntries(
            Map.entry(OPS + "/dead-letters?status=LOST", 400),
            Map.entry(OPS + "/dead-letters?olderThan=yesterday", 400),
            Map.entry(OPS + "/dead-letters?newerThan=-5m", 400),
            Map.entry(OPS + "/dead-letters?topic=no%20spaces", 400),
            Map.entry(OPS + "/dead-letters?type=Order%0AForged", 400),
            Map.entry(OPS + "/dead-letters?limit=0", 400),
            Map.entry(OPS + "/dead-letters?limit=100000", 400),
            Map.entry(OPS + "/dead-letters?after=-1", 400),
            Map.entry(OPS + "/dead-letters?after=abc", 400),
            Map.entry(OPS + "/dead-letters/abc", 400),
            Map.entry(OPS + "/dead-letters/987654321", 404),
            Map.entry(OPS + "/redrives/987654321", 404),
            Map.entry(OPS + "/audit?before=x", 400));
    refusals.forEach(
        (path, status) -> {
          Response response = http().get(path);
          assertThat(response.status()).as(path).isEqualTo(status);
          assertThat(response.header("Content-Type"))
              .as(path)
              .startsWith("application/problem+json");
          assertThat(response.body()).as(path).doesNotContain("Exception", "at io.");
        });
    Map<String, Integer> redrives =
        Map.of(
            "{}", 400,
            "{\"ids\": [1], \"filter\": {}}", 400,
            "{\"ids\": [987654321]}", 404,
            "{\"ids\": []}", 422,
            "{\"ids\": [0]}", 400,
            "{\"filter\": {\"olderThan\": \"soon\"}}", 400,
            "{\"filter\": {\"error\": \"no such failure anywhere\"}}", 422,
            "{\"filter\": {\"status\": \"DISCARDED\"}}", 409,
            "{\"ids\": [1], \"ratePerSecond\": 100000}", 400,
            "not json", 400);
    redrives.forEach(
        (body, status) -> {
          Response response = http().post(OPS + "/redrives", body);
          assertThat(response.status()).as(body).isEqualTo(status);
          assertThat(response.header("Content-Type"))
              .as(body)
              .startsWith("application/problem+json");
        });
    assertThat(
            http().post(OPS + "/dead-letters/987654321/discard", "{\"reason\": \"gone\"}").status())
        .isEqualTo(404);
    assertThat(json(http().get(OPS + "/redrives?limit=200")).get("items").valueStream())
        .as("no job started")
        .noneMatch(job -> job.get("description").asString().contains("987654321"));
    assertThat(
            json(http().get(OPS + "/audit?limit=200"))
                .get("items")
                .valueStream()
                .map(entry -> entry.get("outcome").asString()))
        .as("a refused operation is audited as refused")
        .contains("refused: no dead letter with id [987654321]", "refused: not found");
  }

  @Test
  void theStateShowsTheOutboxInboxKeysAndDeadLettersPerTopic() {
    JsonNode state = json(http().get(OPS + "/state"));

    assertThat(state.has("outboxBacklog")).isTrue();
    assertThat(state.get("failingShards").isArray()).isTrue();
    assertThat(state.get("inbox").get("rows").asLong()).isNotNegative();
    assertThat(state.get("idempotencyKeys").get("rows").asLong()).isNotNegative();
    assertThat(state.get("deadLetters").isObject()).isTrue();
    JsonNode purges =
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () -> json(http().get(OPS + "/state")).get("housekeeping"),
                runs -> runs.size() >= 2);
    assertThat(purges.valueStream().map(run -> run.get("task").asString()))
        .contains("inbox-purge", "idempotency-key-purge");
  }

  @Test
  void theOperationsApiIsInTheServicesOpenApiDocument() {
    Response docs = http().get("/v3/api-docs");

    assertThat(docs.status()).isEqualTo(200);
    assertThat(docs.body())
        .contains(
            OPS + "/dead-letters",
            OPS + "/dead-letters/{id}/discard",
            OPS + "/redrives/{id}",
            OPS + "/audit",
            OPS + "/state");
  }

  private JsonNode awaitListed(String key) {
    return await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                json(http()
                        .get(
                            OPS
                                + "/dead-letters?topic="
                                + ORDER_EVENTS
                                + "&error=Malformed&limit=200"))
                    .get("items")
                    .valueStream()
                    .filter(letter -> key.equals(letter.get("key").asString()))
                    .findFirst(),
            java.util.Optional::isPresent)
        .orElseThrow();
  }

  private static JsonNode json(Response response) {
    assertThat(response.status()).as(response.body()).isLessThan(300);
    return JSON.readTree(response.body());
  }
}
