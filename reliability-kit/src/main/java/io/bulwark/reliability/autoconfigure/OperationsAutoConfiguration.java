package io.bulwark.reliability.autoconfigure;

import io.bulwark.reliability.autoconfigure.ReliabilitySchemaAutoConfiguration.ReliabilitySchemaMigration;
import io.bulwark.reliability.operations.Housekeeping;
import io.bulwark.reliability.operations.MessageTrail;
import io.bulwark.reliability.operations.OperationsAudit;
import io.bulwark.reliability.operations.ReliabilityTables;
import java.time.Clock;
import javax.sql.DataSource;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.context.annotation.Bean;

/**
 * What the operations API reports from the service's database: the audit log, what the purges
 * removed, and the state of the kit's tables.
 */
@AutoConfiguration(
    after = {ReliabilityCoreAutoConfiguration.class, ReliabilitySchemaAutoConfiguration.class})
@ConditionalOnBean({DataSource.class, ReliabilitySchemaMigration.class})
public class OperationsAutoConfiguration {

  @Bean
  OperationsAudit operationsAudit(
      DataSource dataSource, Clock clock, ReliabilitySchemaMigration schema) {
    return new OperationsAudit(dataSource, clock);
  }

  @Bean
  Housekeeping housekeeping(DataSource dataSource, Clock clock, ReliabilitySchemaMigration schema) {
    return new Housekeeping(dataSource, clock);
  }

  @Bean
  MessageTrail messageTrail(DataSource dataSource, ReliabilitySchemaMigration schema) {
    return new MessageTrail(dataSource);
  }

  @Bean
  ReliabilityTables reliabilityTables(DataSource dataSource, ReliabilitySchemaMigration schema) {
    return new ReliabilityTables(dataSource);
  }
}
