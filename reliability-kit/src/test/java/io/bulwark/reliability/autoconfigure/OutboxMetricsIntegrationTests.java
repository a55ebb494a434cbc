package io.bulwark.reliability.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.bulwark.reliability.KitFixture;
import io.bulwark.reliability.outbox.PostgresOutboxStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import org.junit.jupiter.api.Test;

class OutboxMetricsIntegrationTests {

  @Test
  void theBacklogAndTheAgeOfItsOldestEventAreReported() throws Exception {
    KitFixture kit = new KitFixture(4);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    new OutboxMetricsAutoConfiguration()
        .outboxMetrics(kit.dataSource, new PostgresOutboxStore(), Clock.systemUTC())
        .bindTo(registry);
    assertThat(registry.get("bulwark.outbox.backlog").gauge().value()).isZero();

    kit.append("t", "a", 0);
    kit.append("t", "b", 0);
    Thread.sleep(1_100); // past the one-second reuse of the last reading

    assertThat(registry.get("bulwark.outbox.backlog").gauge().value()).isEqualTo(2);
    assertThat(registry.get("bulwark.outbox.oldest.age").gauge().value()).isGreaterThan(1.0);
  }
}
