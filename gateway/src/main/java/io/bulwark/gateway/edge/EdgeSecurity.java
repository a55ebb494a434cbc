package io.bulwark.gateway.edge;

import io.bulwark.reliability.autoconfigure.security.ApiSecurity;
import jakarta.servlet.http.HttpServletResponse;
import java.util.LinkedHashSet;
import java.util.List;
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
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.authority.mapping.GrantedAuthoritiesMapper;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientProviderBuilder;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.web.DefaultOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizedClientRepository;
import org.springframework.security.oauth2.core.oidc.user.OidcUserAuthority;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.AccessDeniedHandler;
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
 * What each caller may do is decided by the services, which check the token themselves again; the
 * gateway decides only who opens the operator's console ({@code /console/}): the {@code operator}
 * role, from a bearer token's {@code roles} claim or, for a browser, from the ID token it signed in
 * with. The actuator is not on this port (see {@code management.server.port}).
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(OAuth2ClientProperties.class)
class EdgeSecurity {

  static final String CSRF_HEADER = "X-XSRF-TOKEN";

  private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS", "TRACE");

  /** The login client's registration id: {@code spring.security.oauth2.client.registration.*}. */
  static final String LOGIN = "bulwark";

  /** What a signed-in browser sees when it opens a page its account may not see. */
  private static final String FORBIDDEN_PAGE =
      """
      <!doctype html>
      <html lang="en">
      <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Not for you · Bulwark</title>
        <link rel="stylesheet" href="/bulwark.css">
      </head>
      <body>
        <header><p class="brand">Bulwark</p></header>
        <main>
          <h1>Not for you</h1>
          <p class="card">403: the account you signed in with may not open this page.
          <a href="/">Your orders</a></p>
        </main>
      </body>
      </html>
      """;

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
                    .requestMatchers("/console", "/console/**")
                    .hasRole(ApiSecurity.OPERATOR)
                    .anyRequest()
                    .authenticated())
        .oauth2ResourceServer(
            resources ->
                resources
                    .jwt(jwt -> jwt.jwtAuthenticationConverter(ApiSecurity::authentication))
                    .authenticationEntryPoint(ApiSecurity.unauthenticated())
                    .accessDeniedHandler(ApiSecurity.forbidden()))
        .oauth2Login(
            login -> login.userInfoEndpoint(user -> user.userAuthoritiesMapper(signedInRoles())))
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
                    .accessDeniedHandler(forbidden(bearer)));
    return http.build();
  }

  /**
   * A browser's session gets the roles of the ID token it signed in with ({@code ROLE_operator}),
   * as a bearer token's {@code roles} claim gives them to an API client.
   */
  private static GrantedAuthoritiesMapper signedInRoles() {
    return authorities -> {
      Set<GrantedAuthority> mapped = new LinkedHashSet<>(authorities);
      for (GrantedAuthority authority : authorities) {
        if (authority instanceof OidcUserAuthority user) {
          List<String> roles = user.getIdToken().getClaimAsStringList(ApiSecurity.ROLES_CLAIM);
          if (roles != null) {
            roles.forEach(role -> mapped.add(new SimpleGrantedAuthority("ROLE_" + role)));
          }
        }
      }
      return mapped;
    };
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
    RequestMatcher page = pageRequest(bearer);
    return (request, response, failure) ->
        (page.matches(request) ? signIn : api).commence(request, response, failure);
  }

  /**
   * A browser opening a page it may not see (a customer typing the console's address) gets {@code
   * 403} as a page that says so; anything else gets {@code 403} as {@code
   * application/problem+json}.
   */
  private static AccessDeniedHandler forbidden(RequestMatcher bearer) {
    AccessDeniedHandler api = ApiSecurity.forbidden();
    RequestMatcher page = pageRequest(bearer);
    return (request, response, denied) -> {
      if (!page.matches(request)) {
        api.handle(request, response, denied);
        return;
      }
      response.setStatus(HttpServletResponse.SC_FORBIDDEN);
      response.setContentType("text/html;charset=UTF-8");
      response.getWriter().write(FORBIDDEN_PAGE);
    };
  }

  /** A browser's GET of a page: not the API, no bearer token, HTML asked for by name. */
  private static RequestMatcher pageRequest(RequestMatcher bearer) {
    MediaTypeRequestMatcher html = new MediaTypeRequestMatcher(MediaType.TEXT_HTML);
    html.setIgnoredMediaTypes(Set.of(MediaType.ALL));
    return request ->
        (request.getMethod().equals("GET") || request.getMethod().equals("HEAD"))
            && !request.getRequestURI().startsWith("/api/")
            && !bearer.matches(request)
            && html.matches(request);
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
