package io.bulwark.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import io.bulwark.harness.auth.Credentials;
import io.bulwark.harness.auth.Tokens;
import io.bulwark.harness.client.OrderRequest;
import io.bulwark.harness.http.HttpJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.ComposeContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * The compose stack for real, with fresh secrets: up, a customer's token from the stack's
 * authorization server, stock set by the operator, an order through the gateway, confirmed. Needs a
 * Docker engine and the images in it; where Docker is missing, Testcontainers skips this class (and
 * says so). Build the images first: {@code ./mvnw install -DskipTests && ./mvnw -pl
 * auth-server,order-service,inventory-service,gateway jib:dockerBuild}.
 */
@Testcontainers(disabledWithoutDocker = true)
class ComposeStackSystemTests {

  private static final List<String> IMAGES =
      List.of("auth-server", "order-service", "inventory-service", "gateway");

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
  void theStackComesUpHealthyAndAnOrderPlacedThroughTheGatewayIsConfirmed() throws Exception {
    Path env = Path.of("target", "compose-stack.env").toAbsolutePath();
    Files.deleteIfExists(env);
    Tool.in(Repository.ROOT, "sh", "deploy/compose/secrets.sh", env.toString())
        .run()
        .assertSucceeded("secrets.sh");
    Properties secrets = new Properties();
    try (var reader = Files.newBufferedReader(env)) {
      secrets.load(reader);
    }
    Map<String, String> variables = new java.util.HashMap<>();
    secrets.stringPropertyNames().forEach(name -> variables.put(name, secrets.getProperty(name)));
    Credentials credentials =
        new Credentials() {
          @Override
          public String password(String user) {
            return secrets.getProperty(user.toUpperCase().replace('-', '_') + "_PASSWORD");
          }

          @Override
          public String clientSecret(String client) {
            throw new UnsupportedOperationException(client);
          }
        };
    try (ComposeContainer stack =
        new ComposeContainer(Repository.path("deploy", "compose", "docker-compose.yml").toFile())
            .withEnv(variables)
            .withBuild(true)
            .withRemoveVolumes(true)
            .withStartupTimeout(Duration.ofMinutes(5))
            .withExposedService("gateway", 8080, Wait.forHealthcheck())
            .withExposedService("auth-server", 9000, Wait.forHealthcheck())) {
      stack.start();
      String gateway =
          "http://"
              + stack.getServiceHost("gateway", 8080)
              + ":"
              + stack.getServicePort("gateway", 8080);
      Tokens tokens =
          new Tokens(
              "http://"
                  + stack.getServiceHost("auth-server", 9000)
                  + ":"
                  + stack.getServicePort("auth-server", 9000),
              credentials);
      HttpJson http = new HttpJson(gateway).withBearer(tokens.of("customer-1"));
      HttpJson operator = new HttpJson(gateway).withBearer(tokens.of("operator"));

      assertThat(http.bare().get("/api/orders").status()).isEqualTo(401);
      assertThat(operator.put("/api/inventory/COMPOSE-1", "{\"available\": 10}").status())
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
