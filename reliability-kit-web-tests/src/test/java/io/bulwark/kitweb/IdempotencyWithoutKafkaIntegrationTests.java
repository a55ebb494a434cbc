package io.bulwark.kitweb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bulwark.fixtures.postgres.TestPostgres;
import io.bulwark.harness.http.HttpJson;
import io.bulwark.harness.http.HttpJson.Response;
import io.bulwark.reliability.idempotency.IdempotentRequests;
import java.net.URI;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * A plain Spring MVC application on PostgreSQL, with the kit and without Kafka on its classpath:
 * the {@code Idempotency-Key} filter, its store and the kit's schema work there.
 */
@SpringBootTest(
    classes = IdempotencyWithoutKafkaIntegrationTests.NotesApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "bulwark.idempotency.endpoints=POST /notes",
      // no authentication in this application: its clients name themselves
      "bulwark.idempotency.client-header=X-Client-Id"
    })
class IdempotencyWithoutKafkaIntegrationTests {

  @DynamicPropertySource
  static void database(DynamicPropertyRegistry registry) {
    String url = TestPostgres.newDatabase("nokafka");
    JdbcClient.create(new DriverManagerDataSource(url, "postgres", ""))
        .sql("CREATE TABLE notes (id uuid PRIMARY KEY, text text NOT NULL)")
        .update();
    registry.add("spring.datasource.url", () -> url);
    registry.add("spring.datasource.username", () -> "postgres");
  }

  @LocalServerPort int port;
  @Autowired JdbcClient jdbc;
  @Autowired ApplicationContext context;

  @Test
  void theApplicationHasNoKafkaOnItsClasspath() {
    assertThatThrownBy(() -> Class.forName("org.apache.kafka.clients.producer.Producer"))
        .isInstanceOf(ClassNotFoundException.class);
    assertThatThrownBy(() -> Class.forName("org.springframework.kafka.core.KafkaTemplate"))
        .isInstanceOf(ClassNotFoundException.class);
    assertThat(context.getBeansOfType(IdempotentRequests.class)).hasSize(1);
  }

  @Test
  void aRetriedRequestWithItsKeyGetsTheFirstResponseAndActsOnce() {
    HttpJson http =
        new HttpJson("http://127.0.0.1:" + port).withHeader("X-Client-Id", () -> "notes-app");
    String key = UUID.randomUUID().toString();

    Response first = http.postWithKey("/notes", "{\"text\": \"once\"}", key);
    Response again = http.postWithKey("/notes", "{\"text\": \"once\"}", key);

    assertThat(first.status()).isEqualTo(201);
    assertThat(again.status()).isEqualTo(201);
    assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");
    assertThat(again.header("Location")).isEqualTo(first.header("Location"));
    assertThat(notes("once")).isEqualTo(1);
  }

  @Test
  void theSameKeyForAnotherRequestIsRefusedAndActsNot() {
    HttpJson http =
        new HttpJson("http://127.0.0.1:" + port).withHeader("X-Client-Id", () -> "notes-app");
    String key = UUID.randomUUID().toString();
    http.postWithKey("/notes", "{\"text\": \"first\"}", key);

    Response other = http.postWithKey("/notes", "{\"text\": \"second\"}", key);

    assertThat(other.status()).isEqualTo(422);
    assertThat(other.header("Content-Type")).startsWith("application/problem+json");
    assertThat(notes("second")).isZero();
  }

  @Test
  void aRequestWithoutAKeyIsABadRequest() {
    Response response =
        new HttpJson("http://127.0.0.1:" + port)
            .withHeader("X-Client-Id", () -> "notes-app")
            .post("/notes", "{\"text\": \"x\"}");

    assertThat(response.status()).isEqualTo(400);
    assertThat(notes("x")).isZero();
  }

  private long notes(String text) {
    return jdbc.sql("SELECT count(*) FROM notes WHERE text = ?")
        .param(text)
        .query(Long.class)
        .single();
  }

  @SpringBootConfiguration
  @EnableAutoConfiguration
  @Import(NotesController.class)
  static class NotesApplication {}

  @RestController
  static class NotesController {
    private final JdbcClient jdbc;

    NotesController(JdbcClient jdbc) {
      this.jdbc = jdbc;
    }

    record Note(String text) {}

    @PostMapping("/notes")
    @Transactional
    ResponseEntity<Map<String, String>> create(@RequestBody Note note) {
      UUID id = UUID.randomUUID();
      jdbc.sql("INSERT INTO notes (id, text) VALUES (?, ?)").params(id, note.text()).update();
      return ResponseEntity.created(URI.create("/notes/" + id)).body(Map.of("id", id.toString()));
    }
  }
}
