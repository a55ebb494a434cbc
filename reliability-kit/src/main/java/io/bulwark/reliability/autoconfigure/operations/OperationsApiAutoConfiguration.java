package io.bulwark.reliability.autoconfigure.operations;

import io.bulwark.reliability.autoconfigure.DeadLetterAutoConfiguration;
import io.bulwark.reliability.autoconfigure.DeadLetterProperties;
import io.bulwark.reliability.autoconfigure.OperationsAutoConfiguration;
import io.bulwark.reliability.autoconfigure.OutboxAutoConfiguration;
import io.bulwark.reliability.deadletter.DeadLetters;
import io.bulwark.reliability.deadletter.RedriveJobs;
import io.bulwark.reliability.operations.DatabaseNodes;
import io.bulwark.reliability.operations.Housekeeping;
import io.bulwark.reliability.operations.KafkaLag;
import io.bulwark.reliability.operations.MessageTrail;
import io.bulwark.reliability.operations.OperationsAudit;
import io.bulwark.reliability.operations.ReliabilityTables;
import io.bulwark.reliability.outbox.OutboxRelay;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;

/**
 * The operations API under {@code /api/ops/<spring.application.name>}, where the service keeps dead
 * letters.
 */
@AutoConfiguration(
    after = {
      DeadLetterAutoConfiguration.class,
      OperationsAutoConfiguration.class,
      OutboxAutoConfiguration.class
    },
    afterName = "org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration")
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnBean({DeadLetters.class, OperationsAudit.class})
public class OperationsApiAutoConfiguration {

  @Bean
  OperationsController operationsController(
      DeadLetters letters,
      RedriveJobs jobs,
      OperationsAudit audit,
      ReliabilityTables tables,
      Housekeeping housekeeping,
      ObjectProvider<OutboxRelay> relay,
      DeadLetterProperties properties,
      Clock clock,
      @Value("${spring.application.name:application}") String service) {
    return new OperationsController(
        letters,
        jobs,
        audit,
        tables,
        housekeeping,
        relay,
        properties.redriveRate(),
        properties.maxRedrive(),
        clock,
        service);
  }

  @Bean
  MessageTrailController messageTrailController(MessageTrail trail) {
    return new MessageTrailController(trail);
  }

  /** The console's view of this instance, on the management port. */
  @Bean
  @ConditionalOnClass(Endpoint.class)
  @ConditionalOnAvailableEndpoint(InstanceStateEndpoint.class)
  InstanceStateEndpoint instanceStateEndpoint(
      ReliabilityTables tables,
      DeadLetters letters,
      DataSource dataSource,
      ObjectProvider<OutboxRelay> relay,
      ObjectProvider<KafkaLag> kafka,
      Clock clock,
      @Value("${spring.application.name:application}") String service) {
    return new InstanceStateEndpoint(
        service,
        tables,
        letters,
        new DatabaseNodes(dataSource),
        relay,
        kafka.getIfAvailable(),
        clock);
  }

  /**
   * The brokers and this service's consumer lag, each question bounded by two seconds: the
   * console's view must come back even while the cluster does not.
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnClass({Endpoint.class, KafkaProperties.class})
  @ConditionalOnBean(KafkaProperties.class)
  @ConditionalOnAvailableEndpoint(InstanceStateEndpoint.class)
  KafkaLag kafkaLag(KafkaProperties kafka) {
    Map<String, Object> settings = new HashMap<>(kafka.buildAdminProperties());
    settings.put(AdminClientConfig.CLIENT_ID_CONFIG, "bulwark-console-view");
    settings.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000);
    settings.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 2_000);
    String group = kafka.getConsumer().getGroupId();
    return new KafkaLag(
        Admin.create(settings), group == null ? List.of() : List.of(group), Duration.ofSeconds(2));
  }

  @Bean
  OperationsProblems operationsProblems() {
    return new OperationsProblems();
  }
}
