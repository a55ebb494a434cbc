package io.bulwark.reliability.operations;

import static org.assertj.core.api.Assertions.assertThat;

import io.bulwark.fixtures.kafka.TestKafka;
import io.bulwark.reliability.KitFixture;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * What the console reads of an instance's surroundings, from the real database server and broker:
 * the server's role and timeline, and each consumer group's lag per partition; a cluster that does
 * not answer is reported as unreachable within the bound, not waited for.
 */
class InstanceViewIntegrationTests {

  @Test
  void theDatabaseServerSaysItIsThePrimaryOnItsTimeline() {
    KitFixture kit = new KitFixture(1);

    DatabaseNodes.View view = new DatabaseNodes(kit.dataSource).read();

    assertThat(view.role()).isEqualTo("primary");
    assertThat(view.server()).as("its address as it sees it").contains(":");
    assertThat(view.timeline()).as("a fresh server's first timeline, or later").isPositive();
    assertThat(view.standbys()).as("the test server streams to no standby").isEmpty();
    assertThat(view.standbysUnknown()).isNull();
  }

  @Test
  void aGroupsLagIsWhatItHasNotCommittedOfEachPartition() throws Exception {
    String topic = TestKafka.uniqueTopic("lag");
    TestKafka.createTopic(topic, 2);
    String group = "lag-" + topic;
    for (int i = 0; i < 5; i++) {
      TestKafka.send(topic, "key", ("event " + i).getBytes(StandardCharsets.UTF_8));
    }
    int partition = TestKafka.read(topic, 5, Duration.ofSeconds(30)).get(0).partition();
    try (Admin admin = admin(TestKafka.bootstrapServers())) {
      admin
          .alterConsumerGroupOffsets(
              group, Map.of(new TopicPartition(topic, partition), new OffsetAndMetadata(2)))
          .all()
          .get();
    }

    try (KafkaLag lag =
        new KafkaLag(admin(TestKafka.bootstrapServers()), List.of(group), Duration.ofSeconds(5))) {
      KafkaLag.View view = lag.read();

      assertThat(view.unreachable()).isNull();
      assertThat(view.brokers()).as("the test broker").hasSize(1);
      assertThat(view.lag())
          .singleElement()
          .satisfies(
              p -> {
                assertThat(p.partition()).isEqualTo(partition);
                assertThat(p.committed()).isEqualTo(2);
                assertThat(p.end()).isEqualTo(5);
                assertThat(p.lag()).isEqualTo(3);
              });
      assertThat(view.totalLag()).isEqualTo(3);
    }
  }

  @Test
  void aClusterThatDoesNotAnswerIsReportedUnreachableWithinTheBound() throws Exception {
    // accepts connections and never answers, like a broker whose host stopped
    try (ServerSocket silent = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        KafkaLag lag =
            new KafkaLag(
                admin("127.0.0.1:" + silent.getLocalPort()),
                List.of("any"),
                Duration.ofSeconds(1))) {
      long start = System.nanoTime();
      KafkaLag.View view = lag.read();
      Duration took = Duration.ofNanos(System.nanoTime() - start);

      assertThat(view.unreachable()).contains("no answer within PT1S");
      assertThat(view.brokers()).isEmpty();
      assertThat(took).as("bounded by its timeout").isLessThan(Duration.ofSeconds(5));
    }
  }

  private static Admin admin(String bootstrap) {
    return Admin.create(
        Map.of(
            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrap,
            AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
            1_000,
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
            1_000));
  }
}
