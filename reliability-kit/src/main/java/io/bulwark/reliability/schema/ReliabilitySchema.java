package io.bulwark.reliability.schema;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * Creates and upgrades the kit's tables (outbox, inbox) with Flyway, in a history table of their
 * own in the {@value #SCHEMA} schema, so a service's migrations and the kit's never collide. Safe
 * to run from many instances at once: Flyway serialises migrations with a database lock.
 */
public final class ReliabilitySchema {

  /** The schema that holds the kit's tables and their migration history. */
  public static final String SCHEMA = "bulwark";

  private ReliabilitySchema() {}

  public static void migrate(DataSource dataSource) {
    Flyway.configure()
        .dataSource(dataSource)
        .schemas(SCHEMA)
        .defaultSchema(SCHEMA)
        .createSchemas(true)
        .table("schema_history")
        .locations("classpath:io/bulwark/reliability/db")
        .load()
        .migrate();
  }
}
