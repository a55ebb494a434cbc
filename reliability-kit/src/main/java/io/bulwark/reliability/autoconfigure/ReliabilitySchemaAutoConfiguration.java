package io.bulwark.reliability.autoconfigure;

import io.bulwark.reliability.schema.ReliabilitySchema;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * The kit's tables (outbox, inbox, idempotency keys) on the service's data source, created or
 * upgraded once at start. It needs neither Kafka nor a web server: every part of the kit that keeps
 * state depends on {@link ReliabilitySchemaMigration}, and only on this.
 */
@AutoConfiguration(after = DataSourceAutoConfiguration.class)
@ConditionalOnClass(Flyway.class)
@ConditionalOnBean(DataSource.class)
public class ReliabilitySchemaAutoConfiguration {

  @Bean
  @ConditionalOnMissingBean
  ReliabilitySchemaMigration reliabilitySchemaMigration(DataSource dataSource) {
    ReliabilitySchema.migrate(dataSource);
    return new ReliabilitySchemaMigration();
  }

  /** Marks that the kit's tables exist; beans that use them depend on it. */
  public static final class ReliabilitySchemaMigration {}
}
