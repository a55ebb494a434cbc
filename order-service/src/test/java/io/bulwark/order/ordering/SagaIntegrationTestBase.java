package io.bulwark.order.ordering;

import static org.assertj.core.api.Assertions.assertThat;

import io.bulwark.fixtures.kafka.TestKafka;
import io.bulwark.harness.client.OrderRequest;
import io.bulwark.order.OrderServiceTestBase;
import io.bulwark.reliability.event.EventCodec;
import io.bulwark.reliability.event.EventEnvelope;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.json.JsonMapper;

/** Orders placed through the API, and the inventory's replies to them sent on the real broker. */
abstract class SagaIntegrationTestBase extends OrderServiceTestBase {

  static final Duration WAIT = Duration.ofSeconds(60);

  @Autowired EventCodec codec;
  @Autowired JdbcClient jdbc;

  String placeOrder() {
    var response = http().postOnce("/api/orders", OrderRequest.of("SKU-1", 1).json());
    assertThat(response.status()).isEqualTo(201);
    return response.header("Location").substring("/api/orders/".length());
  }

  void reply(String id, String type, Map<String, Object> payload) {
    TestKafka.send(Topics.INVENTORY_EVENTS, id, envelope(id, type, payload));
    TestKafka.awaitConsumed("order-service", Topics.INVENTORY_EVENTS, WAIT);
  }

  byte[] envelope(String id, String type, Map<String, Object> payload) {
    return codec.encode(
        new EventEnvelope(
            UUID.randomUUID(),
            type,
            1,
            "Reservation",
            id,
            Instant.now(),
            JsonMapper.shared().valueToTree(payload)));
  }

  String statusOf(String id) {
    return jdbc.sql("SELECT status FROM orders WHERE id = ?::uuid")
        .param(id)
        .query(String.class)
        .single();
  }

  List<String> eventsOf(String id) {
    return jdbc.sql("SELECT event_type FROM bulwark.outbox WHERE message_key = ? ORDER BY id")
        .param(id)
        .query(String.class)
        .list();
  }
}
