package io.bulwark.gateway.edge;

import io.bulwark.gateway.GatewayProperties;
import io.bulwark.reliability.autoconfigure.idempotency.IdempotencyProperties;
import io.bulwark.reliability.correlation.CorrelationId;
import java.util.List;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
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
  FilterRegistrationBean<CorsFilter> corsFilter(
      GatewayProperties properties, IdempotencyProperties protocol) {
    CorsConfiguration cors = new CorsConfiguration();
    cors.setAllowedOrigins(properties.allowedOrigins());
    cors.setAllowedMethods(List.of("GET", "POST", "PUT", "OPTIONS"));
    cors.setAllowedHeaders(
        List.of(
            HttpHeaders.CONTENT_TYPE,
            protocol.header(),
            protocol.clientHeader(),
            CorrelationId.HEADER));
    cors.setExposedHeaders(
        List.of(
            HttpHeaders.LOCATION,
            HttpHeaders.RETRY_AFTER,
            protocol.replayHeader(),
            CorrelationId.HEADER));
    cors.setMaxAge(3600L);
    UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();
    source.registerCorsConfiguration("/api/**", cors);
    FilterRegistrationBean<CorsFilter> registration =
        new FilterRegistrationBean<>(new CorsFilter(source));
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
    return registration;
  }

  @Bean
  FilterRegistrationBean<RateLimitFilter> rateLimitFilter(
      GatewayProperties properties, IdempotencyProperties protocol) {
    FilterRegistrationBean<RateLimitFilter> registration =
        new FilterRegistrationBean<>(
            new RateLimitFilter(properties.rateLimit(), protocol.clientHeader()));
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
