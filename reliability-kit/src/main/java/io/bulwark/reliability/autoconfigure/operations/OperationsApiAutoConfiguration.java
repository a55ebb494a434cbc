package io.bulwark.reliability.autoconfigure.operations;

import io.bulwark.reliability.autoconfigure.DeadLetterAutoConfiguration;
import io.bulwark.reliability.autoconfigure.DeadLetterProperties;
import io.bulwark.reliability.autoconfigure.OperationsAutoConfiguration;
import io.bulwark.reliability.autoconfigure.OutboxAutoConfiguration;
import io.bulwark.reliability.deadletter.DeadLetters;
import io.bulwark.reliability.deadletter.RedriveJobs;
import io.bulwark.reliability.operations.Housekeeping;
import io.bulwark.reliability.operations.OperationsAudit;
import io.bulwark.reliability.operations.ReliabilityTables;
import io.bulwark.reliability.outbox.OutboxRelay;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
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
    })
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
  OperationsProblems operationsProblems() {
    return new OperationsProblems();
  }
}
