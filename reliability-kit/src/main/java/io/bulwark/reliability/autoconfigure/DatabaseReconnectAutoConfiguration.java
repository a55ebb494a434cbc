package io.bulwark.reliability.autoconfigure;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.util.DriverDataSource;
import io.bulwark.reliability.failover.PrimaryMoveDataSource;
import io.bulwark.reliability.failover.ReconnectingDataSource;
import java.util.Arrays;
import javax.sql.DataSource;
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
 * attempts), and, for a URL that follows the primary, a {@link PrimaryMoveDataSource} under that,
 * so the statements stranded on a primary cut off the network are released when the new primary is
 * reached. The pool keeps its URL, credentials and driver properties: they now reach the driver
 * through the sources underneath.
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
          DataSource driver =
              new DriverDataSource(
                  pool.getJdbcUrl(),
                  pool.getDriverClassName(),
                  pool.getDataSourceProperties(),
                  pool.getUsername(),
                  pool.getPassword());
          if (properties.abortOnPrimaryMove() && followsThePrimary(pool.getJdbcUrl())) {
            driver = new PrimaryMoveDataSource(driver, DatabaseReconnectAutoConfiguration::abort);
          }
          pool.setDataSource(
              new ReconnectingDataSource(driver, properties.pause(), properties.patience()));
        }
        return bean;
      }
    };
  }

  /** A multi-host URL that asks for the primary, wherever it is now. */
  static boolean followsThePrimary(String url) {
    String parameters = url.contains("?") ? url.substring(url.indexOf('?') + 1) : "";
    return Arrays.stream(parameters.split("&"))
        .anyMatch(
            parameter ->
                parameter.equalsIgnoreCase("targetServerType=primary")
                    || parameter.equalsIgnoreCase("targetServerType=master"));
  }

  /** Each abort on a thread of its own: closing a socket the network has cut off may block. */
  private static void abort(Runnable close) {
    Thread thread = new Thread(close, "primary-move-abort");
    thread.setDaemon(true);
    thread.start();
  }
}
