package io.bulwark.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.bulwark.fixtures.auth.TestIssuer;
import io.bulwark.fixtures.net.StubHttpServer;
import io.bulwark.fixtures.net.StubHttpServer.Reply;
import io.bulwark.harness.http.HttpJson;
import io.bulwark.harness.process.BootJar;
import io.bulwark.harness.process.FreePorts;
import io.bulwark.harness.process.ManagedProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The gateway's own jar with a 256 MB heap, as it runs in production, with its rate limit's table
 * cut to 5,000 callers, against a crowd of three times that many distinct authenticated callers,
 * each with a long name: the table drops callers to stay bounded, the gateway stays up, and a
 * caller that had used up its limit before the crowd came still has (not a fresh one). {@code
 * -Dbulwark.callers} and {@code -Dbulwark.table} change the sizes.
 */
class GatewayUnderManyCallersIntegrationTests {

  private static final int TABLE = Integer.getInteger("bulwark.table", 5_000);
  private static final int CALLERS = Integer.getInteger("bulwark.callers", 3 * TABLE);

  @Test
  void aCrowdThreeTimesTheRateLimitTableLeavesTheGatewayUpAndASpentCallerSpent() throws Exception {
    int port = FreePorts.next();
    int management = FreePorts.next();
    try (TestIssuer issuer = TestIssuer.start();
        StubHttpServer service = new StubHttpServer(FreePorts.next(), r -> new Reply(200, "{}"))) {
      service.start();
      Map<String, String> properties = new LinkedHashMap<>();
      properties.put("server.port", String.valueOf(port));
      properties.put("management.server.port", String.valueOf(management));
      properties.put("spring.security.oauth2.resourceserver.jwt.issuer-uri", issuer.url());
      properties.put("spring.security.oauth2.client.registration.bulwark.client-secret", "unused");
      properties.put("bulwark.gateway.rate-limit.limit-for-period", "5");
      properties.put("bulwark.gateway.rate-limit.period", "1h");
      properties.put("bulwark.gateway.rate-limit.max-clients", String.valueOf(TABLE));
      properties.putAll(BootJar.instanceList("inventory-service", List.of(service.url())));
      properties.putAll(BootJar.instanceList("order-service", List.of(service.url())));
      try (ManagedProcess gateway =
          BootJar.start(
              "gateway",
              Path.of(System.getProperty("bulwark.jars.gateway")),
              List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError"),
              properties,
              Path.of("target", "gateway-many-callers.log"))) {
        gateway.awaitHealthy(
            "http://127.0.0.1:" + management + "/actuator/health", Duration.ofSeconds(120));
        HttpJson api = new HttpJson("http://127.0.0.1:" + port);
        String alice = issuer.token("alice", "orders");
        for (int i = 0; i < 5; i++) {
          assertThat(as(api, alice).status()).isEqualTo(200);
        }
        assertThat(as(api, alice).status()).isEqualTo(429);

        AtomicInteger served = new AtomicInteger();
        java.util.concurrent.atomic.AtomicLong mintNanos =
            new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicLong sendNanos =
            new java.util.concurrent.atomic.AtomicLong();
        List<Integer> refused = java.util.Collections.synchronizedList(new ArrayList<>());
        ExecutorService crowd = Executors.newFixedThreadPool(4);
        List<Future<?>> work = new ArrayList<>();
        String padding = "-".repeat(400);
        for (int t = 0; t < 4; t++) {
          int first = t;
          work.add(
              crowd.submit(
                  () -> {
                    for (int i = first; i < CALLERS; i += 4) {
                      long minting = System.nanoTime();
                      String token = issuer.token("caller-" + i + padding, "orders");
                      long sending = System.nanoTime();
                      mintNanos.addAndGet(sending - minting);
                      // a path no route serves: the caller is counted, then the gateway answers
                      // 404 itself, so the crowd costs the edge only, not a service
                      int status =
                          api.send(
                                  "GET",
                                  "/api/nowhere",
                                  null,
                                  null,
                                  Map.of("Authorization", "Bearer " + token))
                              .status();
                      sendNanos.addAndGet(System.nanoTime() - sending);
                      if (status == 404) {
                        served.incrementAndGet();
                      } else {
                        refused.add(status);
                      }
                    }
                  }));
        }
        for (Future<?> each : work) {
          each.get();
        }
        crowd.shutdown();

        long heap = heapUsed(new HttpJson("http://127.0.0.1:" + management));
        System.out.printf(
            "minting %d ms, requests %d ms (summed over the crowd's threads)%n",
            mintNanos.get() / 1_000_000, sendNanos.get() / 1_000_000);
        System.out.printf(
            "%d callers through a table of %d: %d past the limit, refused %s; heap in use after"
                + " %d MiB%n",
            CALLERS,
            TABLE,
            served.get(),
            refused.subList(0, Math.min(10, refused.size())),
            heap >> 20);
        assertThat(gateway.isAlive()).isTrue();
        assertThat(served.get()).isEqualTo(CALLERS);
        assertThat(as(api, alice).status()).as("alice keeps her count").isEqualTo(429);
        assertThat(as(api, issuer.token("newcomer", "orders")).status()).isEqualTo(200);
        assertThat(new HttpJson("http://127.0.0.1:" + management).get("/actuator/health").body())
            .contains("\"status\":\"UP\"");
      }
    }
  }

  private static HttpJson.Response as(HttpJson api, String token) {
    return api.send(
        "GET", "/api/inventory/SKU-1", null, null, Map.of("Authorization", "Bearer " + token));
  }

  private static long heapUsed(HttpJson management) {
    String body = management.get("/actuator/metrics/jvm.memory.used?tag=area:heap").body();
    Matcher value = Pattern.compile("\"value\"\\s*:\\s*([0-9.E+]+)").matcher(body);
    return value.find() ? (long) Double.parseDouble(value.group(1)) : -1;
  }
}
