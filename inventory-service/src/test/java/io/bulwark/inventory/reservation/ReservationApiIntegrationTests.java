package io.bulwark.inventory.reservation;

import static org.assertj.core.api.Assertions.assertThat;

import io.bulwark.harness.http.HttpJson.Response;
import io.bulwark.inventory.InventoryServiceTestBase;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The reservations as order-service's reconciliation reads them: by order, and those still held
 * within a window; for its machine token and the operator, nobody else.
 */
class ReservationApiIntegrationTests extends InventoryServiceTestBase {

  @Autowired JdbcClient jdbc;

  private final String held = "api-" + UUID.randomUUID();
  private final String released = "api-" + UUID.randomUUID();

  @BeforeEach
  void reservations() {
    jdbc.sql("INSERT INTO reservation (order_id, status) VALUES (?, 'RESERVED'), (?, 'RELEASED')")
        .params(held, released)
        .update();
  }

  @Test
  void orderServicesMachineTokenReadsReservationsByOrderAndThoseStillHeld() {
    String machine = ISSUER.token("order-service", "inventory:read");
    String window =
        "updatedAfter="
            + Instant.now().minusSeconds(60)
            + "&updatedBefore="
            + Instant.now().plusSeconds(5);

    Response byOrder =
        http(machine)
            .get("/api/reservations?orderId=" + held + "&orderId=" + released + "&orderId=none");
    Response stillHeld = http(machine).get("/api/reservations/held?" + window + "&limit=1000");

    assertThat(byOrder.status()).isEqualTo(200);
    assertThat(byOrder.body())
        .contains("\"orderId\":\"" + held + "\",\"status\":\"RESERVED\"")
        .contains("\"orderId\":\"" + released + "\",\"status\":\"RELEASED\"")
        .doesNotContain("none");
    assertThat(stillHeld.status()).isEqualTo(200);
    assertThat(stillHeld.body()).contains(held).doesNotContain(released);
  }

  @Test
  void nobodyButTheMachineAndTheOperatorReadsThem() {
    assertThat(http().bare().get("/api/reservations?orderId=" + held).status()).isEqualTo(401);
    assertThat(
            http(ISSUER.token("customer-1", "orders"))
                .get("/api/reservations?orderId=" + held)
                .status())
        .isEqualTo(403);
    assertThat(http().get("/api/reservations?orderId=" + held).status()).isEqualTo(200);
  }

  @Test
  void malformedQueriesAreRefusedWithAProblem() {
    for (String query :
        new String[] {
          "/api/reservations",
          "/api/reservations?orderId=a%0Ab",
          "/api/reservations/held?updatedAfter=yesterday&updatedBefore=2030-01-01T00:00:00Z",
          "/api/reservations/held?updatedBefore=2030-01-01T00:00:00Z",
          "/api/reservations/held?updatedAfter=2020-01-01T00:00:00Z"
              + "&updatedBefore=2030-01-01T00:00:00Z&limit=0"
        }) {
      Response response = http().get(query);
      assertThat(response.status()).as(query).isEqualTo(400);
      assertThat(response.header("Content-Type")).as(query).startsWith("application/problem+json");
    }
  }
}
