package io.bulwark.reliability.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.bulwark.fixtures.kafka.TestKafka;
import io.bulwark.fixtures.postgres.TestPostgres;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The kit's bounds on every wait on a broker reach the clients a service builds: its listeners'
 * consumers, its producers and its admin client. The broker test that cuts a partition's leader off
 * under load (KafkaBrokerLossSystemTests) shows what they buy.
 */
@SpringBootTest(
    classes = KafkaTimeoutsIntegrationTests.Application.class,
    properties = {
      "bulwark.outbox.relay.enabled=false",
      "spring.main.web-application-type=none",
      "spring.kafka.consumer.group-id=timeouts"
    })
class KafkaTimeoutsIntegrationTests {

  @DynamicPropertySource
  static void infrastructure(DynamicPropertyRegistry registry) {
    String url = TestPostgres.newDatabase("kafka_timeouts");
    registry.add("spring.datasource.url", () -> url);
    registry.add("spring.datasource.username", () -> "postgres");
    registry.add("spring.kafka.bootstrap-servers", TestKafka::bootstrapServers);
  }

  @Autowired ConsumerFactory<?, ?> consumers;
  @Autowired ProducerFactory<?, ?> producers;
  @Autowired KafkaAdmin admin;

  @Test
  void aConsumerGivesUpOnASilentBrokerWithinSecondsAndOnACommitWithinFifteen() {
    assertThat(consumers.getConfigurationProperties())
        .containsEntry("request.timeout.ms", "5000")
        .containsEntry("socket.connection.setup.timeout.ms", "3000")
        .containsEntry("socket.connection.setup.timeout.max.ms", "10000")
        .containsEntry("default.api.timeout.ms", "15000");
  }

  @Test
  void aProducerAndTheAdminClientGiveUpOnASilentBrokerWithinSeconds() {
    assertThat(producers.getConfigurationProperties())
        .containsEntry("request.timeout.ms", "5000")
        .containsEntry("socket.connection.setup.timeout.ms", "3000")
        .doesNotContainKey("default.api.timeout.ms");
    assertThat(admin.getConfigurationProperties())
        .containsEntry("request.timeout.ms", "5000")
        .containsEntry("default.api.timeout.ms", "15000");
  }

  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class Application {}
}
