package io.bulwark.order.flow;

import java.time.Clock;
import javax.sql.DataSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;

@Configuration(proxyBeanMethods = false)
class FlowConfiguration {

  /** On the primary: the latest orders and the seconds just past are what the flow is about. */
  @Bean
  FlowEndpoint flowEndpoint(DataSource dataSource, Clock clock) {
    return new FlowEndpoint(new OrderFlow(JdbcClient.create(dataSource), clock));
  }
}
