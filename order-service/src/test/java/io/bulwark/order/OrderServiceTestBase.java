package io.bulwark.order;

import io.bulwark.fixtures.auth.TestIssuer;
import io.bulwark.fixtures.kafka.TestKafka;
import io.bulwark.fixtures.postgres.TestPostgres;
import io.bulwark.harness.http.HttpJson;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The order service as it runs: its own database on a real PostgreSQL, a real Kafka broker, and
 * HTTP on a random port. Test classes extending this share one application context.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "bulwark.consumer.initial-interval=100ms",
      "bulwark.consumer.max-retries=2",
      // small windows and short waits, so breaker transitions happen within a test
      "resilience4j.circuitbreaker.instances.inventory.sliding-window-size=6",
      "resilience4j.circuitbreaker.instances.inventory.minimum-number-of-calls=6",
      "resilience4j.circuitbreaker.instances.inventory.wait-duration-in-open-state=1s",
      "resilience4j.circuitbreaker.instances.inventory.permitted-number-of-calls-in-half-open-state=2",
      "resilience4j.timelimiter.instances.inventory.timeout-duration=300ms",
      "resilience4j.retry.instances.inventory.wait-duration=20ms",
      "management.server.port=0",
      "spring.security.oauth2.client.registration.inventory.client-secret=test-secret"
    })
public abstract class OrderServiceTestBase {

  /** The inventory as order-service sees it over HTTP; tests switch its faults on and off. */
  protected static final InventoryStub INVENTORY =
      new InventoryStub(io.bulwark.harness.process.FreePorts.next());

  /** The issuer whose tokens the service accepts, and which grants its machine token. */
  protected static final TestIssuer ISSUER = TestIssuer.start();

  @LocalServerPort protected int port;
  @LocalManagementPort protected int managementPort;

  @DynamicPropertySource
  static void infrastructure(DynamicPropertyRegistry registry) {
    String url = TestPostgres.newDatabase("orders");
    registry.add("spring.datasource.url", () -> url);
    registry.add("spring.kafka.bootstrap-servers", TestKafka::bootstrapServers);
    registry.add(
        "spring.cloud.discovery.client.simple.instances.inventory-service[0].uri", INVENTORY::url);
    registry.add("spring.security.oauth2.resourceserver.jwt.issuer-uri", ISSUER::url);
  }

  /** The API as {@code customer-1}. */
  protected HttpJson http() {
    return http(ISSUER.token("customer-1", "orders"));
  }

  /** The API with this access token. */
  protected HttpJson http(String token) {
    return new HttpJson("http://127.0.0.1:" + port).withBearer(() -> token);
  }

  /** The actuator, on its own port. */
  protected HttpJson management() {
    return new HttpJson("http://127.0.0.1:" + managementPort);
  }
}
