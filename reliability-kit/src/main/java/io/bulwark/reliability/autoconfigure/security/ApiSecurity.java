package io.bulwark.reliability.autoconfigure.security;

import io.bulwark.reliability.web.Problems;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AuthorizeHttpRequestsConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.security.oauth2.server.resource.web.BearerTokenAuthenticationEntryPoint;
import org.springframework.security.oauth2.server.resource.web.access.BearerTokenAccessDeniedHandler;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.AccessDeniedHandler;

/**
 * How a service's API is secured: every request carries a bearer JWT that the resource server
 * checks (signature through the issuer's keys, issuer, audience, expiry: {@code
 * spring.security.oauth2.resourceserver.jwt.*}); the service's own rules decide what each caller
 * may do; no session, no cookie, so no CSRF. A request without a valid token gets {@code 401} with
 * {@code WWW-Authenticate}, one without the right gets {@code 403}, both as problem+json. Actuator
 * endpoints (on the management port, which the gateway does not route) stay open to probes and
 * Prometheus.
 *
 * <p>A token's authorities are its scopes ({@code SCOPE_orders}) and its {@value #ROLES_CLAIM}
 * ({@code ROLE_operator}); its name is its subject.
 */
public final class ApiSecurity {

  /** The access token's claim that carries the user's roles. */
  public static final String ROLES_CLAIM = "roles";

  /** The role of whoever runs the platform: stock, every order, the operations API. */
  public static final String OPERATOR = "operator";

  /** A caller's rules: which requests need which authority. */
  public interface Rules
      extends Customizer<
          AuthorizeHttpRequestsConfigurer<HttpSecurity>
              .AuthorizationManagerRequestMatcherRegistry> {}

  /** Builds the service's filter chain with its rules; whatever they do not name is refused. */
  public SecurityFilterChain filterChain(HttpSecurity http, Rules rules) throws Exception {
    http.authorizeHttpRequests(
            requests -> {
              requests.requestMatchers(EndpointRequest.toAnyEndpoint()).permitAll();
              // the operations API (dead letters, redrives, audit) is the operator's alone
              requests.requestMatchers("/api/ops", "/api/ops/**").hasRole(OPERATOR);
              rules.customize(requests);
              requests.anyRequest().denyAll();
            })
        .sessionManagement(
            sessions -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
        .csrf(csrf -> csrf.disable())
        .requestCache(cache -> cache.disable())
        .oauth2ResourceServer(
            resources ->
                resources
                    .jwt(jwt -> jwt.jwtAuthenticationConverter(ApiSecurity::authentication))
                    .authenticationEntryPoint(unauthenticated())
                    .accessDeniedHandler(forbidden()))
        .exceptionHandling(
            exceptions ->
                exceptions
                    .authenticationEntryPoint(unauthenticated())
                    .accessDeniedHandler(forbidden()));
    return http.build();
  }

  /** A token as an authentication: named by its subject, with its scopes and roles. */
  public static AbstractAuthenticationToken authentication(Jwt jwt) {
    return new JwtAuthenticationToken(jwt, authorities(jwt), jwt.getSubject());
  }

  /**
   * The scopes ({@code scope} or {@code scp}, as one space-separated string or as a list: issuers
   * differ) and the roles.
   */
  static Collection<GrantedAuthority> authorities(Jwt jwt) {
    List<GrantedAuthority> authorities = new ArrayList<>();
    for (String claim : List.of("scope", "scp")) {
      Object scopes = jwt.getClaim(claim);
      List<String> each =
          scopes instanceof Collection<?> list
              ? list.stream().map(String::valueOf).toList()
              : scopes instanceof String text ? List.of(text.split(" ")) : List.of();
      each.stream()
          .filter(scope -> !scope.isBlank())
          .forEach(scope -> authorities.add(new SimpleGrantedAuthority("SCOPE_" + scope)));
    }
    List<String> roles = jwt.getClaimAsStringList(ROLES_CLAIM);
    if (roles != null) {
      roles.forEach(role -> authorities.add(new SimpleGrantedAuthority("ROLE_" + role)));
    }
    return authorities;
  }

  /** {@code 401}: the standard {@code WWW-Authenticate: Bearer ...}, then a problem body. */
  public static AuthenticationEntryPoint unauthenticated() {
    BearerTokenAuthenticationEntryPoint bearer = new BearerTokenAuthenticationEntryPoint();
    return (request, response, failure) -> {
      bearer.commence(request, response, failure);
      write(
          response,
          401,
          "Unauthorized",
          "This request needs a valid bearer access token from the platform's issuer.");
    };
  }

  /** {@code 403}: the caller is known but may not do this. */
  public static AccessDeniedHandler forbidden() {
    BearerTokenAccessDeniedHandler bearer = new BearerTokenAccessDeniedHandler();
    return (request, response, denied) -> {
      bearer.handle(request, response, denied);
      write(response, 403, "Forbidden", "The caller may not do this.");
    };
  }

  private static void write(HttpServletResponse response, int status, String title, String detail)
      throws IOException {
    if (!response.isCommitted()) {
      Problems.write(response, status, title, detail);
    }
  }
}
