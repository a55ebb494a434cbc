package io.bulwark.reliability.autoconfigure.web;

import org.apache.catalina.core.StandardHost;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.tomcat.TomcatContextCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Registers {@link ProblemResponses} in place of Boot's plainer problem-details handler, and the
 * {@link CorrelationIdFilter} and the {@link ContentTypeGuard}.
 */
@AutoConfiguration(before = WebMvcAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(ResponseEntityExceptionHandler.class)
public class ProblemResponsesAutoConfiguration {

  @Bean
  @ConditionalOnMissingBean(ResponseEntityExceptionHandler.class)
  @ConditionalOnClass(name = "jakarta.validation.Validator")
  ProblemResponses problemResponses() {
    return new ProblemResponses();
  }

  /** Tomcat's own error pages (before any filter) as problem+json too. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.boot.tomcat.TomcatContextCustomizer")
  static class TomcatProblemReports {
    @Bean
    TomcatContextCustomizer problemReportValve() {
      return context -> {
        if (context.getParent() instanceof StandardHost host) {
          host.setErrorReportValveClass(ProblemReportValve.class.getName());
        }
      };
    }
  }

  @Bean
  FilterRegistrationBean<ContentTypeGuard> contentTypeGuard() {
    FilterRegistrationBean<ContentTypeGuard> registration =
        new FilterRegistrationBean<>(new ContentTypeGuard());
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 5);
    return registration;
  }

  /** Runs first, so every later filter, handler and log line sees the correlation id. */
  @Bean
  FilterRegistrationBean<CorrelationIdFilter> correlationIdFilter() {
    FilterRegistrationBean<CorrelationIdFilter> registration =
        new FilterRegistrationBean<>(new CorrelationIdFilter());
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
    return registration;
  }
}
