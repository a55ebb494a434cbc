package io.bulwark.reliability.autoconfigure.web;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.servers.Server;
import java.util.List;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Each service's OpenAPI document, titled after the application, with a relative server: read
 * through the gateway, "try it out" calls go through the gateway too.
 */
@AutoConfiguration
@ConditionalOnClass(OpenAPI.class)
public class OpenApiAutoConfiguration {

  @Bean
  @ConditionalOnMissingBean
  OpenAPI serviceOpenApi(@Value("${spring.application.name:service}") String name) {
    return new OpenAPI()
        .info(new Info().title("Bulwark " + name).version("v1"))
        .servers(List.of(new Server().url("/").description("through the gateway")));
  }
}
