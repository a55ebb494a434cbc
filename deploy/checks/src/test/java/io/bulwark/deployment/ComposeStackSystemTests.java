package io.bulwark.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import io.bulwark.harness.client.OrderRequest;
import io.bulwark.harness.http.HttpJson;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.ComposeContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * The compose stack for real: up, an order through the gateway, confirmed. Needs a Docker engine
 * and the services' images in it; where Docker is missing, Testcontainers skips this class (and
 * says so). Build the images first: {@code ./mvnw install -DskipTests && ./mvnw -pl
 * order-service,inventory-service,gateway jib:dockerBuild}.
 */
@Testcontainers(disabledWithoutDocker = true)
class ComposeStackSystemTests {

  private static final List<String> IMAGES =
      List.of("order-service", "inventory-service", "gateway");

  @BeforeAll
  static void theServicesImagesAreBuilt() {
    var docker = DockerClientFactory.instance().client();
    for (String image : IMAGES) {
      String name = "ghcr.io/bulwark/" + image + ":" + Repository.VERSION;
      boolean present = !docker.listImagesCmd().withReferenceFilter(name).exec().isEmpty();
      Assumptions.assumeTrue(present, name + " is not built: run ./mvnw ... jib:dockerBuild first");
    }
  }

  @Test
  void theStackComesUpHealthyAndAnOrderPlacedThroughTheGatewayIsConfirmed() {
    try (ComposeContainer stack =
        new ComposeContainer(Repository.path("deploy", "compose", "docker-compose.yml").toFile())
            .withBuild(true)
            .withRemoveVolumes(true)
            .withStartupTimeout(Duration.ofMinutes(5))
            .withExposedService("gateway", 8080, Wait.forHealthcheck())) {
      stack.start();
      HttpJson http =
          new HttpJson(
              "http://"
                  + stack.getServiceHost("gateway", 8080)
                  + ":"
                  + stack.getServicePort("gateway", 8080));

      assertThat(http.put("/api/inventory/COMPOSE-1", "{\"available\": 10}").status())
          .isEqualTo(200);
      var placed = http.postOnce("/api/orders", OrderRequest.of("COMPOSE-1", 2).json());
      assertThat(placed.status()).isEqualTo(201);
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () ->
                  assertThat(http.get(placed.header("Location")).body())
                      .contains("\"status\":\"CONFIRMED\""));
    }
  }
}
