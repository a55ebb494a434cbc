package io.bulwark.testsupport.contract;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class EventContractsTests {

  private static JsonNode json(String text) {
    return JsonMapper.shared().readTree(text);
  }

  @Test
  void theSameShapeWithOtherValuesMatches() {
    assertThat(
            EventContracts.shapeDifferences(
                json("{\"a\": \"x\", \"n\": [{\"q\": 1}]}"),
                json("{\"a\": \"y\", \"n\": [{\"q\": 7}, {\"q\": 8}]}")))
        .isEmpty();
  }

  @Test
  void missingExtraAndRetypedFieldsAreReported() {
    assertThat(
            EventContracts.shapeDifferences(
                json("{\"a\": \"x\", \"b\": 1, \"n\": [{\"q\": 1}]}"),
                json("{\"a\": 3, \"c\": true, \"n\": [{\"q\": \"1\"}]}")))
        .containsExactlyInAnyOrder(
            "$.a: expected STRING, was NUMBER",
            "$.b: missing",
            "$.c: not in the contract",
            "$.n[0].q: expected NUMBER, was STRING");
  }

  @Test
  void everyContractExampleIsReadable() {
    assertThat(EventContracts.example("OrderPlaced", 1).get("items").isArray()).isTrue();
  }
}
