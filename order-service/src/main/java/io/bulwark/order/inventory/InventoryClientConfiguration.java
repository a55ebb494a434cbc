package io.bulwark.order.inventory;

import io.micrometer.observation.ObservationRegistry;
import java.net.http.HttpClient;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.oauth2.client.AuthorizedClientServiceOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.web.client.OAuth2ClientHttpRequestInterceptor;
import org.springframework.web.client.RestClient;

/**
 * A load-balanced HTTP client for inventory-service: each call picks the next instance, and carries
 * order-service's own access token (client credentials of the {@value #REGISTRATION} registration,
 * fetched once, by one call while others wait for it, and renewed before it expires), never the
 * customer's.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(InventoryProperties.class)
class InventoryClientConfiguration {

  static final String REGISTRATION = "inventory";

  /** The one principal the machine token is kept for, whichever request asks. */
  private static final Authentication SERVICE =
      new AnonymousAuthenticationToken(
          "order-service", "order-service", AuthorityUtils.createAuthorityList("ROLE_SERVICE"));

  @Bean
  @LoadBalanced
  RestClient.Builder inventoryRestClientBuilder(
      InventoryProperties properties,
      ClientRegistrationRepository registrations,
      OAuth2AuthorizedClientService authorizedClients,
      ObjectProvider<ObservationRegistry> observations) {
    JdkClientHttpRequestFactory requests =
        new JdkClientHttpRequestFactory(
            HttpClient.newBuilder()
                .connectTimeout(properties.connectTimeout())
                .version(HttpClient.Version.HTTP_1_1)
                .build());
    requests.setReadTimeout(properties.readTimeout());
    OAuth2ClientHttpRequestInterceptor machineToken =
        new OAuth2ClientHttpRequestInterceptor(
            new SharedAuthorization(
                new AuthorizedClientServiceOAuth2AuthorizedClientManager(
                    registrations, authorizedClients)));
    machineToken.setClientRegistrationIdResolver(request -> REGISTRATION);
    machineToken.setPrincipalResolver(request -> SERVICE);
    // a 401 from inventory-service drops the kept token, so the next call fetches a fresh one
    machineToken.setAuthorizationFailureHandler(
        OAuth2ClientHttpRequestInterceptor.authorizationFailureHandler(authorizedClients));
    return RestClient.builder()
        // a span per call, and the caller's trace sent on in traceparent
        .observationRegistry(observations.getIfAvailable(() -> ObservationRegistry.NOOP))
        .requestFactory(requests)
        .requestInterceptor(machineToken)
        .baseUrl(properties.baseUrl().toString());
  }
}
