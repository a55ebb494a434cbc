package io.bulwark.reliability.idempotency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bulwark.fixtures.kafka.TestKafka;
import io.bulwark.fixtures.net.CuttingProxy;
import io.bulwark.fixtures.postgres.TestPostgres;
import io.bulwark.harness.http.HttpJson;
import io.bulwark.harness.http.HttpJson.Response;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * The {@code Idempotency-Key} filter in a real web application on a real database: an endpoint that
 * creates a row per call, and one that waits until told to finish.
 */
@SpringBootTest(
    classes = IdempotencyKeyIntegrationTests.KeyedApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "bulwark.outbox.relay.enabled=false",
      "bulwark.idempotency.endpoints=POST /things, POST /things/{id}/slow, POST /broken,"
          + " POST /failing-over",
      "bulwark.idempotency.time-to-live=2s",
      "bulwark.idempotency.client-header=X-API-Key"
    })
class IdempotencyKeyIntegrationTests {

  @DynamicPropertySource
  static void infrastructure(DynamicPropertyRegistry registry) {
    String url = TestPostgres.newDatabase("keys");
    JdbcClient.create(
            new org.springframework.jdbc.datasource.DriverManagerDataSource(url, "postgres", ""))
        .sql("CREATE TABLE things (id uuid PRIMARY KEY, name text NOT NULL)")
        .update();
    registry.add("spring.datasource.url", () -> url);
    registry.add("spring.datasource.username", () -> "postgres");
    registry.add("spring.kafka.bootstrap-servers", TestKafka::bootstrapServers);
  }

  @LocalServerPort int port;
  @Autowired JdbcClient jdbc;
  @Autowired Gate gate;
  @Autowired TransactionTemplate transactions;
  @Autowired IdempotencyKeys keys;
  @Autowired FailingOverController failingOver;

  private HttpJson http;

  @BeforeEach
  void setUp() {
    http = new HttpJson("http://127.0.0.1:" + port);
  }

  @Test
  void aRequestWithoutAKeyIsABadRequestAndActsNot() {
    long before = things();

    Response response = http.post("/things", "{\"name\": \"a\"}");

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.header("Content-Type")).startsWith("application/problem+json");
    assertThat(response.body()).contains("Idempotency-Key");
    assertThat(things()).isEqualTo(before);
  }

  @Test
  void aKeyThatIsTooLongOrNotPrintableIsABadRequest() {
    assertThat(post("/things", "x".repeat(256), "{\"name\": \"a\"}", null).status()).isEqualTo(400);
    assertThat(post("/things", "has space", "{\"name\": \"a\"}", null).status()).isEqualTo(400);
  }

  @Test
  void theSameKeyAndRequestAgainGetsTheStoredResponseWithoutActingAgain() {
    String key = UUID.randomUUID().toString();

    Response first = post("/things", key, "{\"name\": \"once\"}", null);
    Response again = post("/things", key, "{\"name\": \"once\"}", null);

    assertThat(first.status()).isEqualTo(201);
    assertThat(first.header("Idempotent-Replayed")).isNull();
    assertThat(again.status()).isEqualTo(201);
    assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");
    assertThat(again.header("Location")).isEqualTo(first.header("Location"));
    assertThat(again.body()).isEqualTo(first.body());
    assertThat(named("once")).isEqualTo(1);
  }

  @Test
  void aCompletedKeyIsReplayedWithoutWaitingForItsLock() {
    String key = UUID.randomUUID().toString();
    Response first = post("/things", key, "{\"name\": \"unlocked\"}", null);

    // another request holds the key's lock: a key not yet completed would get 409 now
    Response again =
        transactions.execute(
            status -> {
              jdbc.sql("SELECT pg_advisory_xact_lock(?, hashtext(? || chr(31) || ?))")
                  .params(PostgresIdempotencyKeyStore.LOCK_SPACE, "anonymous", key)
                  .query(Object.class)
                  .single();
              return post("/things", key, "{\"name\": \"unlocked\"}", null);
            });

    assertThat(again.status()).isEqualTo(201);
    assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");
    assertThat(again.body()).isEqualTo(first.body());
    assertThat(named("unlocked")).isEqualTo(1);
  }

  @Test
  void theSameKeyWithAnotherRequestIsUnprocessable() {
    String key = UUID.randomUUID().toString();
    post("/things", key, "{\"name\": \"first\"}", null);

    Response other = post("/things", key, "{\"name\": \"second\"}", null);

    assertThat(other.status()).isEqualTo(422);
    assertThat(other.header("Content-Type")).startsWith("application/problem+json");
    assertThat(named("second")).isZero();
  }

  @Test
  void keysAreScopedPerClient() {
    String key = UUID.randomUUID().toString();

    Response alice = post("/things", key, "{\"name\": \"scoped\"}", "alice-api-key");
    Response bob = post("/things", key, "{\"name\": \"scoped\"}", "bob-api-key");

    assertThat(alice.status()).isEqualTo(201);
    assertThat(bob.status()).isEqualTo(201);
    assertThat(bob.header("Idempotent-Replayed")).isNull();
    assertThat(named("scoped")).isEqualTo(2);
  }

  @Test
  void aRequestThatNamesNoCallerIsRefusedAndActsNot() {
    long before = things();

    Response anonymous =
        http.send(
            "POST",
            "/things",
            "{\"name\": \"nobody\"}",
            "application/json",
            Map.of("Idempotency-Key", UUID.randomUUID().toString()));

    assertThat(anonymous.status()).isEqualTo(401);
    assertThat(anonymous.header("WWW-Authenticate")).isEqualTo("Bearer");
    assertThat(anonymous.header("Content-Type")).startsWith("application/problem+json");
    assertThat(things()).isEqualTo(before);
  }

  @Test
  void theSameKeyWhileTheFirstIsInFlightIsAConflict() throws Exception {
    String key = UUID.randomUUID().toString();
    String id = UUID.randomUUID().toString();
    gate.close();
    ExecutorService executor = Executors.newSingleThreadExecutor();
    Future<Response> first =
        executor.submit(() -> post("/things/" + id + "/slow", key, "{\"name\": \"slow\"}", null));
    assertThat(gate.awaitEntered()).isTrue();

    Response second = post("/things/" + id + "/slow", key, "{\"name\": \"slow\"}", null);

    gate.open();
    assertThat(second.status()).isEqualTo(409);
    assertThat(second.header("Retry-After")).isEqualTo("1");
    assertThat(first.get(30, TimeUnit.SECONDS).status()).isEqualTo(201);
    assertThat(
            post("/things/" + id + "/slow", key, "{\"name\": \"slow\"}", null)
                .header("Idempotent-Replayed"))
        .isEqualTo("true");
    assertThat(named("slow")).isEqualTo(1);
    executor.shutdown();
  }

  @Test
  void manyConcurrentRequestsWithOneKeyActExactlyOnce() throws Exception {
    String key = UUID.randomUUID().toString();
    ExecutorService clients = Executors.newFixedThreadPool(16);
    List<Future<Response>> responses = new ArrayList<>();
    for (int i = 0; i < 64; i++) {
      responses.add(clients.submit(() -> post("/things", key, "{\"name\": \"crowd\"}", null)));
    }
    List<Integer> statuses = new ArrayList<>();
    for (Future<Response> r : responses) {
      statuses.add(r.get(60, TimeUnit.SECONDS).status());
    }
    clients.shutdown();

    assertThat(named("crowd")).as("exactly one effect").isEqualTo(1);
    assertThat(statuses).allMatch(s -> s == 201 || s == 409).contains(201);
  }

  @Test
  void aFailedRequestStoresNothingSoItsRetryActsAfresh() {
    String key = UUID.randomUUID().toString();

    Response failed = post("/broken", key, "{\"name\": \"flaky\"}", null);
    Response retried = post("/broken", key, "{\"name\": \"flaky\"}", null);

    assertThat(failed.status()).isEqualTo(500);
    assertThat(retried.status()).as("the retry ran the handler again").isEqualTo(500);
    assertThat(named("flaky")).as("both attempts rolled back").isZero();
  }

  @Test
  void aRefusedRequestLeavesNoKeySoTheCorrectedRequestActs() {
    String key = UUID.randomUUID().toString();

    Response refused = post("/things", key, "{\"name\": ", null);
    Response corrected = post("/things", key, "{\"name\": \"corrected\"}", null);

    assertThat(refused.status()).isEqualTo(400);
    assertThat(corrected.status()).isEqualTo(201);
    assertThat(corrected.header("Idempotent-Replayed")).isNull();
    assertThat(named("corrected")).isEqualTo(1);
  }

  @Test
  void aRequestWhoseTransactionLostItsDatabaseConnectionRunsAgainAndActsOnce() {
    String key = UUID.randomUUID().toString();

    Response response = post("/failing-over", key, "{\"name\": \"failover\"}", null);

    assertThat(response.status()).isEqualTo(201);
    assertThat(failingOver.calls("failover"))
        .as("the first attempt failed, the second acted")
        .isEqualTo(2);
    assertThat(named("failover")).as("the failed attempt's insert rolled back").isEqualTo(1);
    assertThat(
            post("/failing-over", key, "{\"name\": \"failover\"}", null)
                .header("Idempotent-Replayed"))
        .isEqualTo("true");
  }

  @Test
  void aClientCutOffDuringTheCommitRetriesWithItsKeyAndGetsTheCommittedOutcome() {
    String key = UUID.randomUUID().toString();
    try (CuttingProxy proxy = new CuttingProxy(port)) {
      HttpJson throughProxy = new HttpJson("http://127.0.0.1:" + proxy.port());
      assertThatThrownBy(
              () ->
                  throughProxy.send(
                      "POST",
                      "/things",
                      "{\"name\": \"cut\"}",
                      "application/json",
                      Map.of("Idempotency-Key", key, "X-API-Key", "test-client")))
          .as("the client never sees the answer")
          .isInstanceOf(IllegalStateException.class);
      assertThat(proxy.cutCount()).isEqualTo(1);
    }

    Response retried = post("/things", key, "{\"name\": \"cut\"}", null);

    assertThat(retried.status()).isEqualTo(201);
    assertThat(retried.header("Idempotent-Replayed")).isEqualTo("true");
    assertThat(named("cut")).isEqualTo(1);
    String id = URI.create(retried.header("Location")).getPath().substring("/things/".length());
    assertThat(
            jdbc.sql("SELECT name FROM things WHERE id = ?::uuid")
                .param(id)
                .query(String.class)
                .single())
        .isEqualTo("cut");
  }

  @Test
  void anExpiredKeyActsAgainAndIsPurged() throws Exception {
    String key = UUID.randomUUID().toString();
    post("/things", key, "{\"name\": \"expiring\"}", null);
    Thread.sleep(2_100);

    Response later = post("/things", key, "{\"name\": \"expiring\"}", null);

    assertThat(later.header("Idempotent-Replayed")).isNull();
    assertThat(named("expiring")).isEqualTo(2);
    Thread.sleep(2_100);
    assertThat(keys.purgeExpired()).isGreaterThanOrEqualTo(1);
    assertThat(
            jdbc.sql("SELECT count(*) FROM bulwark.idempotency_key WHERE key = ?")
                .param(key)
                .query(Long.class)
                .single())
        .isZero();
  }

  private Response post(String path, String key, String body, String apiKey) {
    Map<String, String> headers = new java.util.HashMap<>();
    if (key != null) {
      headers.put("Idempotency-Key", key);
    }
    headers.put("X-API-Key", apiKey != null ? apiKey : "test-client");
    return http.send("POST", path, body, "application/json", headers);
  }

  private long things() {
    return jdbc.sql("SELECT count(*) FROM things").query(Long.class).single();
  }

  private long named(String name) {
    return jdbc.sql("SELECT count(*) FROM things WHERE name = ?")
        .param(name)
        .query(Long.class)
        .single();
  }

  /** Holds the slow endpoint inside its transaction until the test opens it. */
  static final class Gate {
    private volatile CountDownLatch open = new CountDownLatch(0);
    private volatile CountDownLatch entered = new CountDownLatch(1);

    void close() {
      open = new CountDownLatch(1);
      entered = new CountDownLatch(1);
    }

    void open() {
      open.countDown();
    }

    void pass() throws InterruptedException {
      entered.countDown();
      open.await(30, TimeUnit.SECONDS);
    }

    boolean awaitEntered() throws InterruptedException {
      return entered.await(30, TimeUnit.SECONDS);
    }
  }

  record Thing(String name) {}

  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class KeyedApplication {

    @Bean
    Gate gate() {
      return new Gate();
    }

    @Bean
    ThingsController thingsController(JdbcClient jdbc, Gate gate) {
      return new ThingsController(jdbc, gate);
    }

    @Bean
    FailingOverController failingOverController(JdbcClient jdbc) {
      return new FailingOverController(jdbc);
    }
  }

  /** Writes, then loses its database connection the first time for each name, as in a failover. */
  @RestController
  static class FailingOverController {
    private final JdbcClient jdbc;
    private final Map<String, AtomicInteger> calls = new java.util.concurrent.ConcurrentHashMap<>();

    FailingOverController(JdbcClient jdbc) {
      this.jdbc = jdbc;
    }

    int calls(String name) {
      return calls.getOrDefault(name, new AtomicInteger()).get();
    }

    @PostMapping("/failing-over")
    @Transactional
    ResponseEntity<Map<String, Object>> create(@RequestBody Thing thing) {
      UUID id = UUID.randomUUID();
      jdbc.sql("INSERT INTO things (id, name) VALUES (?, ?)").params(id, thing.name()).update();
      if (calls.computeIfAbsent(thing.name(), n -> new AtomicInteger()).incrementAndGet() == 1) {
        throw new org.springframework.dao.DataAccessResourceFailureException(
            "connection lost", new java.sql.SQLException("I/O error", "08006"));
      }
      return ResponseEntity.created(URI.create("/things/" + id)).body(Map.of("id", id));
    }
  }

  @RestController
  static class ThingsController {
    private final JdbcClient jdbc;
    private final Gate gate;
    private final AtomicInteger calls = new AtomicInteger();

    ThingsController(JdbcClient jdbc, Gate gate) {
      this.jdbc = jdbc;
      this.gate = gate;
    }

    @PostMapping("/things")
    @Transactional
    ResponseEntity<Map<String, Object>> create(@RequestBody Thing thing) {
      UUID id = UUID.randomUUID();
      jdbc.sql("INSERT INTO things (id, name) VALUES (?, ?)").params(id, thing.name()).update();
      return ResponseEntity.created(URI.create("/things/" + id))
          .body(Map.of("id", id, "name", thing.name(), "call", calls.incrementAndGet()));
    }

    @PostMapping("/things/{id}/slow")
    @Transactional
    ResponseEntity<Map<String, Object>> slow(@PathVariable UUID id, @RequestBody Thing thing)
        throws InterruptedException {
      jdbc.sql("INSERT INTO things (id, name) VALUES (?, ?)").params(id, thing.name()).update();
      gate.pass();
      return ResponseEntity.created(URI.create("/things/" + id)).body(Map.of("id", id));
    }

    @PostMapping("/broken")
    @Transactional
    ResponseEntity<Void> broken(@RequestBody Thing thing) {
      jdbc.sql("INSERT INTO things (id, name) VALUES (?, ?)")
          .params(UUID.randomUUID(), thing.name())
          .update();
      throw new IllegalStateException("fails after writing");
    }
  }
}
