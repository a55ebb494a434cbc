package io.bulwark.reliability.autoconfigure;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.util.DriverDataSource;
import io.bulwark.reliability.failover.ReconnectingDataSource;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * Puts a {@link ReconnectingDataSource} under every HikariCP pool that connects by URL, so the
 * first write after a promotion does not wait for Hikari's connection backoff (up to 5 s between
 * attempts). The pool keeps its URL, credentials and driver properties: they now reach the driver
 * through the source underneath.
 */
@AutoConfiguration(before = DataSourceAutoConfiguration.class)
@ConditionalOnClass(HikariDataSource.class)
@ConditionalOnProperty(
    name = "bulwark.database.reconnect.enabled",
    havingValue = "true",
    matchIfMissing = true)
public class DatabaseReconnectAutoConfiguration {

  @Bean
  static BeanPostProcessor reconnectingConnections(Environment environment) {
    ReconnectProperties properties =
        Binder.get(environment)
            .bindOrCreate("bulwark.database.reconnect", ReconnectProperties.class);
    return new BeanPostProcessor() {
      @Override
      public Object postProcessAfterInitialization(Object bean, String beanName) {
        // after initialization: Boot has bound spring.datasource.hikari.* onto the pool by then
        if (bean instanceof HikariDataSource pool
            && pool.getDataSource() == null
            && pool.getJdbcUrl() != null) {
          pool.setDataSource(
              new ReconnectingDataSource(
                  new DriverDataSource(
                      pool.getJdbcUrl(),
                      pool.getDriverClassName(),
                      pool.getDataSourceProperties(),
                      pool.getUsername(),
                      pool.getPassword()),
                  properties.pause(),
                  properties.patience()));
        }
        return bean;
      }
    };
  }
}
