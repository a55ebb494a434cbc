package io.bulwark.reliability.autoconfigure;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * The platform's defaults, kept here once instead of in every service's configuration: virtual
 * threads, RFC 9457 problem details, raw-bytes Kafka consumers (the kit decodes, so a poison record
 * never fails inside the client), {@code acks=all}, and the actuator endpoints. They sit at the
 * lowest precedence, so a service's own configuration overrides any of them.
 */
public class ReliabilityDefaults implements EnvironmentPostProcessor {

  static final String SOURCE = "bulwarkReliabilityDefaults";

  @Override
  public void postProcessEnvironment(
      ConfigurableEnvironment environment, SpringApplication application) {
    Map<String, Object> defaults = new LinkedHashMap<>();
    defaults.put("spring.threads.virtual.enabled", "true");
    defaults.put("spring.mvc.problemdetails.enabled", "true");
    defaults.put("server.error.include-stacktrace", "never");
    defaults.put("server.error.include-message", "never");
    defaults.put(
        "spring.kafka.consumer.key-deserializer",
        "org.apache.kafka.common.serialization.StringDeserializer");
    defaults.put(
        "spring.kafka.consumer.value-deserializer",
        "org.apache.kafka.common.serialization.ByteArrayDeserializer");
    defaults.put("spring.kafka.consumer.auto-offset-reset", "earliest");
    defaults.put("spring.kafka.consumer.enable-auto-commit", "false");
    defaults.put("spring.kafka.consumer.isolation-level", "read_committed");
    defaults.put(
        "spring.kafka.producer.key-serializer",
        "org.apache.kafka.common.serialization.StringSerializer");
    defaults.put(
        "spring.kafka.producer.value-serializer",
        "org.apache.kafka.common.serialization.ByteArraySerializer");
    defaults.put("spring.kafka.producer.acks", "all");
    defaults.put("spring.kafka.listener.concurrency", "3");
    defaults.put("spring.flyway.baseline-on-migrate", "false");
    defaults.put("management.endpoints.web.exposure.include", "health,info,metrics,prometheus");
    defaults.put("management.endpoint.health.probes.enabled", "true");
    defaults.put("management.endpoint.health.show-details", "always");
    environment.getPropertySources().addLast(new MapPropertySource(SOURCE, defaults));
  }
}
