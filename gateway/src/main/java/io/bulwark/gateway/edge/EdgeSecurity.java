package io.bulwark.gateway.edge;

import io.bulwark.reliability.autoconfigure.security.ApiSecurity;
import java.util.Set;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest;
import org.springframework.boot.security.oauth2.client.autoconfigure.OAuth2ClientProperties;
import org.springframework.boot.security.oauth2.client.autoconfigure.OAuth2ClientPropertiesMapper;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientProviderBuilder;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.web.DefaultOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizedClientRepository;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.util.matcher.MediaTypeRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * Who gets through the edge. Every route needs a caller:
 *
 * <ul>
 *   <li>an API client sends a bearer access token, checked here as a resource server does
 *       (signature through the issuer's keys, issuer, audience {@code bulwark-api}, expiry) and
 *       passed on unchanged; without a valid one the answer is {@code 401} with {@code
 *       WWW-Authenticate};
 *   <li>a browser signs in through the issuer (the backend-for-frontend pattern): the gateway keeps
 *       the tokens, the browser only a session cookie ({@code HttpOnly}, {@code SameSite}), and
 *       each routed request carries the session's access token to the service (token relay). A
 *       state-changing request in a session needs the CSRF token ({@value #CSRF_HEADER} from the
 *       {@code XSRF-TOKEN} cookie); one with a bearer token carries no ambient credential and needs
 *       none.
 * </ul>
 *
 * What each caller may do is decided by the services, which check the token themselves again. The
 * actuator is not on this port (see {@code management.server.port}).
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(OAuth2ClientProperties.class)
class EdgeSecurity {

  static final String CSRF_HEADER = "X-XSRF-TOKEN";

  private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS", "TRACE");

  /** The login client's registration id: {@code spring.security.oauth2.client.registration.*}. */
  static final String LOGIN = "bulwark";

  @Bean
  SecurityFilterChain edge(HttpSecurity http) throws Exception {
    RequestMatcher bearer =
        request -> {
          String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
          return authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7);
        };
    http.authorizeHttpRequests(
            requests ->
                requests
                    .requestMatchers(EndpointRequest.toAnyEndpoint())
                    .permitAll()
                    .requestMatchers("/login", "/login/**", "/oauth2/**", "/error")
                    .permitAll()
                    .anyRequest()
                    .authenticated())
        .oauth2ResourceServer(
            resources ->
                resources
                    .jwt(jwt -> jwt.jwtAuthenticationConverter(ApiSecurity::authentication))
                    .authenticationEntryPoint(ApiSecurity.unauthenticated())
                    .accessDeniedHandler(ApiSecurity.forbidden()))
        .oauth2Login(login -> {})
        // CSRF guards what a browser's cookie would otherwise let another site do: only a
        // state-changing request that arrives with a session; a bearer token or no credential at
        // all is no ambient authority (the latter meets 401)
        .csrf(
            csrf ->
                csrf.spa()
                    .requireCsrfProtectionMatcher(
                        request ->
                            !SAFE_METHODS.contains(request.getMethod())
                                && request.getRequestedSessionId() != null
                                && !bearer.matches(request)))
        .exceptionHandling(
            exceptions ->
                exceptions
                    .authenticationEntryPoint(unauthenticated(bearer))
                    .accessDeniedHandler(ApiSecurity.forbidden()));
    return http.build();
  }

  @Bean
  ClientRegistrationRepository clientRegistrations(OAuth2ClientProperties properties) {
    return new LazyClientRegistrations(
        () -> new OAuth2ClientPropertiesMapper(properties).asClientRegistrations());
  }

  /**
   * A browser opening a page is sent to sign in; anything else without a valid credential (an API
   * call, a bearer token, a form post, a script's request) gets {@code 401} with {@code
   * WWW-Authenticate}: a redirect is not an answer to a request that changes something.
   */
  private static AuthenticationEntryPoint unauthenticated(RequestMatcher bearer) {
    AuthenticationEntryPoint signIn =
        new LoginUrlAuthenticationEntryPoint("/oauth2/authorization/" + LOGIN);
    AuthenticationEntryPoint api = ApiSecurity.unauthenticated();
    MediaTypeRequestMatcher html = new MediaTypeRequestMatcher(MediaType.TEXT_HTML);
    html.setIgnoredMediaTypes(Set.of(MediaType.ALL));
    return (request, response, failure) -> {
      boolean page =
          (request.getMethod().equals("GET") || request.getMethod().equals("HEAD"))
              && !request.getRequestURI().startsWith("/api/")
              && !bearer.matches(request)
              && html.matches(request);
      (page ? signIn : api).commence(request, response, failure);
    };
  }

  /** Gives token relay a session's current access token, refreshed when it has expired. */
  @Bean
  OAuth2AuthorizedClientManager authorizedClientManager(
      ClientRegistrationRepository registrations, OAuth2AuthorizedClientRepository clients) {
    DefaultOAuth2AuthorizedClientManager manager =
        new DefaultOAuth2AuthorizedClientManager(registrations, clients);
    manager.setAuthorizedClientProvider(
        OAuth2AuthorizedClientProviderBuilder.builder().authorizationCode().refreshToken().build());
    return manager;
  }
}
