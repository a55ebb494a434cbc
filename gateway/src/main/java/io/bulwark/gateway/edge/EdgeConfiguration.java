package io.bulwark.gateway.edge;

import io.bulwark.gateway.GatewayProperties;
import io.bulwark.reliability.correlation.CorrelationId;
import java.util.List;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.UrlBasedCorsConfigurationSource;
import org.springframework.web.filter.CorsFilter;

/**
 * The gateway's edge, in this order after the correlation id: CORS (so a browser's preflight is
 * answered before any limit), the per-client rate limit, then the body checks.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(GatewayProperties.class)
class EdgeConfiguration {

  @Bean
  FilterRegistrationBean<CorsFilter> corsFilter(GatewayProperties properties) {
    CorsConfiguration cors = new CorsConfiguration();
    cors.setAllowedOrigins(properties.allowedOrigins());
    cors.setAllowedMethods(List.of("GET", "POST", "PUT", "OPTIONS"));
    cors.setAllowedHeaders(
        List.of("Content-Type", "Idempotency-Key", "X-API-Key", CorrelationId.HEADER));
    cors.setExposedHeaders(
        List.of("Location", "Retry-After", "Idempotent-Replayed", CorrelationId.HEADER));
    cors.setMaxAge(3600L);
    UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();
    source.registerCorsConfiguration("/api/**", cors);
    FilterRegistrationBean<CorsFilter> registration =
        new FilterRegistrationBean<>(new CorsFilter(source));
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
    return registration;
  }

  @Bean
  FilterRegistrationBean<RateLimitFilter> rateLimitFilter(GatewayProperties properties) {
    FilterRegistrationBean<RateLimitFilter> registration =
        new FilterRegistrationBean<>(new RateLimitFilter(properties.rateLimit()));
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 20);
    return registration;
  }

  @Bean
  FilterRegistrationBean<RequestShapeFilter> requestShapeFilter(GatewayProperties properties) {
    FilterRegistrationBean<RequestShapeFilter> registration =
        new FilterRegistrationBean<>(new RequestShapeFilter(properties.maxBodySize().toBytes()));
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 30);
    return registration;
  }
}
