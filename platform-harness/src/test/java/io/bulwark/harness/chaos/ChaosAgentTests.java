package io.bulwark.harness.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.bulwark.harness.Await;
import io.bulwark.harness.http.HttpJson;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class ChaosAgentTests {

  private final CountDownLatch release = new CountDownLatch(1);
  private final ChaosAgent agent =
      ChaosAgent.start(
          List.of(
              new ChaosAction(
                  "slow",
                  "A slow fault",
                  "waits until the test releases it",
                  List.of(
                      new ChaosAction.Param("seconds", "For (seconds)", List.of("5", "10"), "5")),
                  () -> null,
                  choices -> {
                    awaitQuietly(release);
                    return "waited, asked for " + choices.get("seconds") + " s";
                  }),
              new ChaosAction(
                  "impossible",
                  "An impossible fault",
                  "never possible here",
                  List.of(),
                  () -> "not on this machine",
                  choices -> "done")),
          new SteadyLoad(
              new HttpJson("http://127.0.0.1:1"),
              new HttpJson("http://127.0.0.1:1"),
              Clock.systemUTC()));
  private final HttpJson chaos =
      new HttpJson(agent.url()).withHeader(ChaosAgent.TOKEN_HEADER, agent::token);

  @AfterEach
  void close() {
    release.countDown();
    agent.close();
  }

  @Test
  void nothingIsAnsweredWithoutTheToken() {
    assertThat(new HttpJson(agent.url()).get("/state").status()).isEqualTo(401);
    assertThat(
            new HttpJson(agent.url())
                .withHeader(ChaosAgent.TOKEN_HEADER, () -> "guess")
                .post("/actions/slow", "{}")
                .status())
        .isEqualTo(401);
    assertThat(agent.gatewaySettings())
        .containsEntry("bulwark.gateway.console.chaos.url", agent.url())
        .containsEntry("bulwark.gateway.console.chaos.token", agent.token());
  }

  @Test
  void anActionRunsOneAtATimeAndItsOutcomeIsLogged() {
    assertThat(chaos.post("/actions/slow", "{\"seconds\": \"10\"}").status()).isEqualTo(202);
    assertThat(state().get("running").asString()).isEqualTo("A slow fault");
    HttpJson.Response second = chaos.post("/actions/slow", "{}");
    assertThat(second.status()).isEqualTo(409);
    assertThat(second.body()).contains("one action at a time");

    release.countDown();

    Await.until(() -> state().get("running").isNull())
        .every(Duration.ofMillis(50))
        .within(Duration.ofSeconds(10), () -> "the action did not end");
    assertThat(state().get("log").get(0).get("message").asString())
        .isEqualTo("waited, asked for 10 s");
    assertThat(state().get("lastFault").get("underLoad").asBoolean()).as("no load ran").isFalse();
  }

  @Test
  void anUnavailableActionOrAChoiceNotOfferedIsRefused() {
    HttpJson.Response impossible = chaos.post("/actions/impossible", "{}");
    assertThat(impossible.status()).isEqualTo(409);
    assertThat(impossible.body()).contains("not on this machine");
    assertThat(chaos.post("/actions/slow", "{\"seconds\": \"7\"}").status()).isEqualTo(400);
    assertThat(chaos.post("/actions/none", "{}").status()).isEqualTo(404);
    JsonNode actions = state().get("actions");
    assertThat(actions.get(1).get("unavailable").asString()).isEqualTo("not on this machine");
    assertThat(actions.get(0).get("unavailable").isNull()).isTrue();
  }

  @Test
  void aFaultCountsFromWhenItTookHoldNotFromWhenItWasAskedFor() throws Exception {
    CountDownLatch takingHold = new CountDownLatch(1);
    AtomicReference<ChaosAgent> self = new AtomicReference<>();
    ChaosAgent slowToHold =
        ChaosAgent.start(
            List.of(
                new ChaosAction(
                    "slow-to-hold",
                    "A fault whose command takes a moment to start",
                    "takes hold when the test says so",
                    List.of(),
                    () -> null,
                    choices -> {
                      awaitQuietly(takingHold);
                      self.get().faultTookHold();
                      awaitQuietly(release);
                      return "held";
                    })),
            new SteadyLoad(
                new HttpJson("http://127.0.0.1:1"),
                new HttpJson("http://127.0.0.1:1"),
                Clock.systemUTC()));
    self.set(slowToHold);
    try {
      HttpJson client =
          new HttpJson(slowToHold.url()).withHeader(ChaosAgent.TOKEN_HEADER, slowToHold::token);
      assertThat(client.post("/actions/slow-to-hold", "{}").status()).isEqualTo(202);
      Instant asked = faultAt(client);
      Thread.sleep(300); // the command starting

      takingHold.countDown();

      Instant held =
          Await.untilPresent(
                  () -> java.util.Optional.of(faultAt(client)).filter(at -> at.isAfter(asked)))
              .every(Duration.ofMillis(50))
              .within(Duration.ofSeconds(10), () -> "the fault's time never moved");
      assertThat(Duration.between(asked, held)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    } finally {
      release.countDown();
      slowToHold.close();
    }
  }

  private static Instant faultAt(HttpJson client) {
    HttpJson.Response response = client.get("/state");
    return Instant.parse(
        JsonMapper.shared().readTree(response.body()).get("lastFault").get("at").asString());
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void aLoadRateOutsideItsBoundsIsRefused() {
    assertThat(chaos.post("/load/start", "{\"ratePerSecond\": 0}").status()).isEqualTo(400);
    assertThat(chaos.post("/load/start", "{\"ratePerSecond\": 1000}").status()).isEqualTo(400);
    assertThat(state().get("load").get("running").asBoolean()).isFalse();
  }

  private JsonNode state() {
    HttpJson.Response response = chaos.get("/state");
    assertThat(response.status()).isEqualTo(200);
    return JsonMapper.shared().readTree(response.body());
  }
}
