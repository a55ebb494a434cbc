package io.bulwark.gateway.edge;

import io.bulwark.gateway.GatewayProperties;
import io.bulwark.reliability.autoconfigure.idempotency.IdempotencyProperties;
import io.bulwark.reliability.correlation.CorrelationId;
import java.util.List;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.UrlBasedCorsConfigurationSource;
import org.springframework.web.filter.CorsFilter;

/**
 * The gateway's edge, in this order: the canonical path (so every later check sees the path the
 * routes match), CORS (so a browser's preflight is answered before any limit), the body checks,
 * then authentication ({@link EdgeSecurity}), then the per-caller rate limit.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(GatewayProperties.class)
class EdgeConfiguration {

  @Bean
  FilterRegistrationBean<CanonicalPathFilter> canonicalPathFilter() {
    FilterRegistrationBean<CanonicalPathFilter> registration =
        new FilterRegistrationBean<>(new CanonicalPathFilter());
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
    return registration;
  }

  @Bean
  FilterRegistrationBean<CorsFilter> corsFilter(
      GatewayProperties properties, IdempotencyProperties protocol) {
    CorsConfiguration cors = new CorsConfiguration();
    cors.setAllowedOrigins(properties.allowedOrigins());
    cors.setAllowedMethods(List.of("GET", "POST", "PUT", "OPTIONS"));
    cors.setAllowedHeaders(
        List.of(
            HttpHeaders.CONTENT_TYPE,
            HttpHeaders.AUTHORIZATION,
            protocol.header(),
            CorrelationId.HEADER,
            EdgeSecurity.CSRF_HEADER));
    cors.setExposedHeaders(
        List.of(
            HttpHeaders.LOCATION,
            HttpHeaders.RETRY_AFTER,
            HttpHeaders.WWW_AUTHENTICATE,
            protocol.replayHeader(),
            CorrelationId.HEADER));
    cors.setAllowCredentials(!properties.allowedOrigins().isEmpty());
    cors.setMaxAge(3600L);
    UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();
    source.registerCorsConfiguration("/api/**", cors);
    FilterRegistrationBean<CorsFilter> registration =
        new FilterRegistrationBean<>(new CorsFilter(source));
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
    return registration;
  }

  @Bean
  FilterRegistrationBean<RequestShapeFilter> requestShapeFilter(GatewayProperties properties) {
    FilterRegistrationBean<RequestShapeFilter> registration =
        new FilterRegistrationBean<>(new RequestShapeFilter(properties.maxBodySize().toBytes()));
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 30);
    return registration;
  }

  @Bean
  RateLimitFilter rateLimit(GatewayProperties properties) {
    return new RateLimitFilter(properties.rateLimit(), System::nanoTime);
  }

  @Bean
  FilterRegistrationBean<RateLimitFilter> rateLimitFilter(RateLimitFilter rateLimit) {
    FilterRegistrationBean<RateLimitFilter> registration = new FilterRegistrationBean<>(rateLimit);
    // after Spring Security's chain, which has told who the caller is
    registration.setOrder(SecurityFilterProperties.DEFAULT_FILTER_ORDER + 10);
    return registration;
  }
}
