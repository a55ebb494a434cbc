package io.bulwark.inventory;

import io.bulwark.fixtures.auth.TestIssuer;
import io.bulwark.fixtures.kafka.TestKafka;
import io.bulwark.fixtures.postgres.TestPostgres;
import io.bulwark.harness.http.HttpJson;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The inventory service as it runs: its own database on a real PostgreSQL, a real Kafka broker, and
 * HTTP on a random port. Test classes extending this share one application context.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "bulwark.consumer.initial-interval=100ms",
      "bulwark.consumer.max-retries=2",
      // the purges run often, so their record shows; what they remove is past retention only
      "bulwark.inbox.purge-interval=1s",
      "bulwark.idempotency.purge-interval=1s",
      "management.server.port=0"
    })
public abstract class InventoryServiceTestBase {

  /** The issuer whose tokens the service accepts. */
  protected static final TestIssuer ISSUER = TestIssuer.start();

  @LocalServerPort protected int port;

  @DynamicPropertySource
  static void infrastructure(DynamicPropertyRegistry registry) {
    String url = TestPostgres.newDatabase("inventory");
    registry.add("spring.datasource.url", () -> url);
    registry.add("spring.kafka.bootstrap-servers", TestKafka::bootstrapServers);
    registry.add("spring.security.oauth2.resourceserver.jwt.issuer-uri", ISSUER::url);
  }

  /** The API as the operator, who may read and set stock. */
  protected HttpJson http() {
    return http(ISSUER.mint().subject("operator").roles("operator").scopes("orders").sign());
  }

  /** The API with this access token. */
  protected HttpJson http(String token) {
    return new HttpJson("http://127.0.0.1:" + port).withBearer(() -> token);
  }
}
