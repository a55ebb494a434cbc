package io.bulwark.inventory.stock;

import io.bulwark.reliability.autoconfigure.security.ApiSecurity;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Who may do what with stock: reading it takes a customer's token (scope {@code orders}), a
 * machine's with scope {@code inventory:read} (order-service checking SKUs) or the operator's;
 * setting it takes the operator. Reservations are read by order-service's reconciliation and the
 * operator. Every request proves itself here, also one that did not come through the gateway.
 */
@Configuration(proxyBeanMethods = false)
class StockAccess {

  @Bean
  SecurityFilterChain stockApi(HttpSecurity http, ApiSecurity api) throws Exception {
    return api.filterChain(
        http,
        requests ->
            requests
                .requestMatchers(HttpMethod.GET, "/api/inventory", "/api/inventory/*")
                .hasAnyAuthority("SCOPE_orders", "SCOPE_inventory:read", "ROLE_operator")
                .requestMatchers(HttpMethod.PUT, "/api/inventory/*")
                .hasRole("operator")
                // order-service's reconciliation, and the operator
                .requestMatchers(HttpMethod.GET, "/api/reservations", "/api/reservations/held")
                .hasAnyAuthority("SCOPE_inventory:read", "ROLE_operator")
                .requestMatchers(HttpMethod.GET, "/v3/api-docs", "/v3/api-docs/**")
                .authenticated());
  }
}
