package io.bulwark.reliability.autoconfigure.web;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import org.apache.catalina.core.StandardHost;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
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

  /**
   * Runs right after the observation filter that starts the request's span (Boot's, at {@code
   * HIGHEST_PRECEDENCE + 1}), so the trace's id can be the correlation id, and before every other
   * filter, handler and log line, so they all see it.
   */
  @Bean
  FilterRegistrationBean<CorrelationIdFilter> correlationIdFilter(
      ObjectProvider<CorrelationIdFilter.CurrentTrace> trace) {
    FilterRegistrationBean<CorrelationIdFilter> registration =
        new FilterRegistrationBean<>(
            new CorrelationIdFilter(
                trace.getIfAvailable(() -> CorrelationIdFilter.CurrentTrace.NONE)));
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 2);
    return registration;
  }

  /** The request's span, from Micrometer's tracer where the application has one. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(Tracer.class)
  static class TracedRequests {
    @Bean
    CorrelationIdFilter.CurrentTrace currentTrace(ObjectProvider<Tracer> tracers) {
      return new CorrelationIdFilter.CurrentTrace() {
        @Override
        public @Nullable String traceId() {
          Span span = span();
          return span == null ? null : span.context().traceId();
        }

        @Override
        public void tag(String key, String value) {
          Span span = span();
          if (span != null) {
            span.tag(key, value);
          }
        }

        private @Nullable Span span() {
          Tracer tracer = tracers.getIfAvailable();
          return tracer == null ? null : tracer.currentSpan();
        }
      };
    }
  }
}
