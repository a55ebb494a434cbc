package io.bulwark.order.ordering;

import io.bulwark.reliability.autoconfigure.security.ApiSecurity;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Who may use the orders API: a token with scope {@code orders} (a signed-in customer, or a machine
 * client given that scope), or the operator. Which orders a caller sees is decided per order: its
 * own ({@link Caller}). Every request proves itself here, also one that did not come through the
 * gateway.
 */
@Configuration(proxyBeanMethods = false)
class OrderAccess {

  @Bean
  SecurityFilterChain ordersApi(HttpSecurity http, ApiSecurity api) throws Exception {
    return api.filterChain(
        http,
        requests ->
            requests
                .requestMatchers("/api/orders", "/api/orders/**")
                .hasAnyAuthority("SCOPE_orders", "ROLE_operator")
                .requestMatchers(HttpMethod.GET, "/v3/api-docs", "/v3/api-docs/**")
                .authenticated());
  }
}
