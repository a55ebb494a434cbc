package io.bulwark.reliability.autoconfigure.security;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

/** {@link ApiSecurity} for a servlet application with Spring Security's resource server. */
@AutoConfiguration
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({HttpSecurity.class, JwtAuthenticationToken.class})
public class ApiSecurityAutoConfiguration {

  @Bean
  @ConditionalOnMissingBean
  ApiSecurity apiSecurity() {
    return new ApiSecurity();
  }
}
