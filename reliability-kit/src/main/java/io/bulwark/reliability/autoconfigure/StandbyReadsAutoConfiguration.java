package io.bulwark.reliability.autoconfigure;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.bulwark.reliability.standby.StandbyReads;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.util.EnumMap;
import java.util.Map;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceProperties;
import org.springframework.context.annotation.Bean;

/**
 * {@link StandbyQueries} for every application with a data source, and under it {@link
 * StandbyReads} when {@code bulwark.standby-reads.url} names a standby: its own small pool (not a
 * bean, so it is never taken for the application's data source, and with no reconnecting under it:
 * a standby that cannot be reached is skipped, not waited for), the application's data source as
 * the primary, and {@code bulwark.standby.reads} counting where each read went ({@code served}:
 * standby, or primary and why).
 */
@AutoConfiguration(after = DataSourceAutoConfiguration.class)
@ConditionalOnClass(HikariDataSource.class)
@ConditionalOnBean(DataSource.class)
@EnableConfigurationProperties(StandbyReadsProperties.class)
public class StandbyReadsAutoConfiguration {

  @Bean
  StandbyQueries standbyQueries(DataSource dataSource, ObjectProvider<StandbyReads> standby) {
    StandbyReads reads = standby.getIfAvailable();
    return new StandbyQueries(reads == null ? dataSource : reads.dataSource());
  }

  @Bean(destroyMethod = "close")
  @ConditionalOnProperty("bulwark.standby-reads.url")
  StandbyPool standbyPool(
      StandbyReadsProperties settings, DataSourceProperties database, DataSource primary) {
    HikariConfig config = new HikariConfig();
    // the primary pool's driver settings (the kit's bounds on every wait among them), then the
    // standby's own shorter connect and login timeouts
    if (primary instanceof HikariDataSource pool) {
      pool.getDataSourceProperties()
          .forEach((name, value) -> config.addDataSourceProperty(String.valueOf(name), value));
    }
    config.setPoolName("standby-reads");
    config.setJdbcUrl(java.util.Objects.requireNonNull(settings.url()));
    config.setUsername(database.determineUsername());
    config.setPassword(database.determinePassword());
    config.setMaximumPoolSize(settings.poolSize());
    config.setMinimumIdle(0);
    config.setReadOnly(true);
    // a read waits at most Hikari's minimum for a standby connection, then the primary serves it
    config.setConnectionTimeout(250);
    config.setValidationTimeout(250);
    // start without the standby: it may be away at start-up, and reads go to the primary then
    config.setInitializationFailTimeout(-1);
    long seconds = Math.max(1, settings.connectTimeout().toSeconds());
    config.addDataSourceProperty("connectTimeout", String.valueOf(seconds));
    config.addDataSourceProperty("loginTimeout", String.valueOf(seconds + 1));
    return new StandbyPool(new HikariDataSource(config));
  }

  @Bean
  @ConditionalOnProperty("bulwark.standby-reads.url")
  StandbyReads standbyReads(
      DataSource dataSource,
      StandbyPool pool,
      StandbyReadsProperties settings,
      ObjectProvider<MeterRegistry> registry) {
    Map<StandbyReads.Served, Counter> counters = new EnumMap<>(StandbyReads.Served.class);
    MeterRegistry meters = registry.getIfAvailable();
    if (meters != null) {
      for (StandbyReads.Served served : StandbyReads.Served.values()) {
        counters.put(
            served,
            Counter.builder("bulwark.standby.reads")
                .tag("served", served.name().toLowerCase(java.util.Locale.ROOT))
                .description("reads that may go to the standby, by where they were served")
                .register(meters));
      }
    }
    return new StandbyReads(
        dataSource,
        pool.source(),
        settings.patience(),
        settings.away(),
        System::nanoTime,
        pool::evict,
        served -> {
          Counter counter = counters.get(served);
          if (counter != null) {
            counter.increment();
          }
        });
  }

  /** The standby's pool, closed with the context. */
  record StandbyPool(HikariDataSource source) implements AutoCloseable {

    void evict(Connection connection) {
      source.evictConnection(connection);
    }

    @Override
    public void close() {
      source.close();
    }
  }
}
