package io.bulwark.auth;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import java.util.List;
import java.util.UUID;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.MediaType;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.oauth2.server.authorization.OAuth2AuthorizationServerConfigurer;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.oidc.endpoint.OidcParameterNames;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.client.InMemoryRegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.oauth2.server.authorization.settings.ClientSettings;
import org.springframework.security.oauth2.server.authorization.settings.TokenSettings;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.util.matcher.MediaTypeRequestMatcher;

/**
 * The protocol endpoints (authorize, token, JWKS, discovery, user info) in one filter chain, the
 * sign-in form in another; users, clients and the signing key from {@link AuthProperties}.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(AuthProperties.class)
class AuthorizationServerConfiguration {

  /** The access token's claim that carries the user's roles. */
  static final String ROLES_CLAIM = "roles";

  private static final String ROLE_PREFIX = "ROLE_";

  @Bean
  @Order(1)
  SecurityFilterChain protocolEndpoints(HttpSecurity http) throws Exception {
    OAuth2AuthorizationServerConfigurer server = new OAuth2AuthorizationServerConfigurer();
    http.securityMatcher(server.getEndpointsMatcher())
        .with(server, as -> as.oidc(Customizer.withDefaults()))
        .authorizeHttpRequests(requests -> requests.anyRequest().authenticated())
        // a browser (or a script that asks as one) is sent to the sign-in form
        .exceptionHandling(
            exceptions ->
                exceptions.defaultAuthenticationEntryPointFor(
                    new LoginUrlAuthenticationEntryPoint("/login"),
                    new MediaTypeRequestMatcher(MediaType.TEXT_HTML)))
        // the user info endpoint takes the access token
        .oauth2ResourceServer(resources -> resources.jwt(Customizer.withDefaults()));
    return http.build();
  }

  @Bean
  @Order(2)
  SecurityFilterChain signIn(HttpSecurity http) throws Exception {
    http.authorizeHttpRequests(
            requests ->
                requests
                    // the actuator is on the management port, for probes and Prometheus only
                    .requestMatchers(EndpointRequest.toAnyEndpoint())
                    .permitAll()
                    .requestMatchers("/error")
                    .permitAll()
                    .anyRequest()
                    .authenticated())
        .formLogin(Customizer.withDefaults());
    return http.build();
  }

  @Bean
  OAuth2AuthorizationService authorizations() {
    return new SerializedAuthorizations();
  }

  @Bean
  PasswordEncoder passwordEncoder() {
    return PasswordEncoderFactories.createDelegatingPasswordEncoder();
  }

  @Bean
  UserDetailsService users(AuthProperties properties) {
    return new InMemoryUserDetailsManager(
        properties.users().stream()
            .map(
                user ->
                    User.withUsername(user.username())
                        .password(user.password())
                        .roles(user.roles().toArray(String[]::new))
                        .build())
            .toList());
  }

  @Bean
  RegisteredClientRepository clients(AuthProperties properties) {
    if (properties.clients().isEmpty()) {
      throw new IllegalStateException("bulwark.auth.clients names no client");
    }
    return new InMemoryRegisteredClientRepository(
        properties.clients().stream().map(client -> registered(client, properties)).toList());
  }

  private static RegisteredClient registered(AuthProperties.Client client, AuthProperties auth) {
    boolean isPublic = client.secret() == null || client.secret().isBlank();
    RegisteredClient.Builder builder =
        RegisteredClient.withId(UUID.nameUUIDFromBytes(client.id().getBytes()).toString())
            .clientId(client.id())
            .clientSettings(
                ClientSettings.builder()
                    .requireAuthorizationConsent(false)
                    .requireProofKey(isPublic)
                    .build())
            .tokenSettings(
                TokenSettings.builder()
                    .accessTokenTimeToLive(auth.accessTokenTimeToLive())
                    .reuseRefreshTokens(false)
                    .build());
    if (isPublic) {
      builder.clientAuthenticationMethod(ClientAuthenticationMethod.NONE);
    } else {
      builder
          .clientSecret(client.secret())
          .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
          .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_POST);
    }
    client.grantTypes().forEach(type -> builder.authorizationGrantType(grantType(type)));
    client.redirectUris().forEach(builder::redirectUri);
    client.scopes().forEach(builder::scope);
    return builder.build();
  }

  private static AuthorizationGrantType grantType(String name) {
    for (AuthorizationGrantType type :
        List.of(
            AuthorizationGrantType.AUTHORIZATION_CODE,
            AuthorizationGrantType.REFRESH_TOKEN,
            AuthorizationGrantType.CLIENT_CREDENTIALS)) {
      if (type.getValue().equals(name)) {
        return type;
      }
    }
    throw new IllegalArgumentException("unsupported grant type: " + name);
  }

  @Bean
  JWKSource<SecurityContext> signingKeys(AuthProperties properties) {
    return new ImmutableJWKSet<>(new JWKSet(SigningKey.load(properties.keyFile())));
  }

  @Bean
  AuthorizationServerSettings authorizationServerSettings(AuthProperties properties) {
    AuthorizationServerSettings.Builder settings = AuthorizationServerSettings.builder();
    String issuer = properties.issuer();
    if (issuer != null && !issuer.isBlank()) {
      settings.issuer(issuer);
    }
    return settings.build();
  }

  /**
   * Every access token names the platform's API as its audience, and a user's token carries the
   * user's roles: what the resource servers authorise by.
   */
  @Bean
  OAuth2TokenCustomizer<JwtEncodingContext> accessTokenClaims(AuthProperties properties) {
    return context -> {
      if (!OAuth2TokenType.ACCESS_TOKEN.equals(context.getTokenType())
          && !OidcParameterNames.ID_TOKEN.equals(context.getTokenType().getValue())) {
        return;
      }
      List<String> roles =
          context.getPrincipal().getAuthorities().stream()
              .map(GrantedAuthority::getAuthority)
              .filter(authority -> authority != null && authority.startsWith(ROLE_PREFIX))
              .map(authority -> authority.substring(ROLE_PREFIX.length()))
              .toList();
      if (!roles.isEmpty()) {
        context.getClaims().claim(ROLES_CLAIM, roles);
      }
      if (OAuth2TokenType.ACCESS_TOKEN.equals(context.getTokenType())) {
        context.getClaims().audience(List.of(properties.audience()));
      }
    };
  }
}
