package io.bulwark.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;

class SerializedAuthorizationsTests {

  private static final RegisteredClient CLIENT =
      RegisteredClient.withId("cli")
          .clientId("cli")
          .clientAuthenticationMethod(ClientAuthenticationMethod.NONE)
          .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
          .redirectUri("http://127.0.0.1/callback")
          .build();

  @Test
  void signInsBeginningAndEndingAtOnceAreFoundAndNeverFailEachOther() throws Exception {
    SerializedAuthorizations authorizations = new SerializedAuthorizations();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Integer>> found = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        found.add(
            pool.submit(
                () -> {
                  int hits = 0;
                  for (int i = 0; i < 5_000; i++) {
                    String state = UUID.randomUUID().toString();
                    OAuth2Authorization begun = inProgress(state);
                    authorizations.save(begun);
                    if (authorizations.findByToken(state, new OAuth2TokenType("state")) != null) {
                      hits++;
                    }
                    authorizations.remove(begun);
                  }
                  return hits;
                }));
      }
      for (Future<Integer> hits : found) {
        assertThat(hits.get()).as("each sign-in found by its state").isEqualTo(5_000);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static OAuth2Authorization inProgress(String state) {
    return OAuth2Authorization.withRegisteredClient(CLIENT)
        .id(UUID.randomUUID().toString())
        .principalName("customer-1")
        .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
        .attribute(OAuth2ParameterNames.STATE, state)
        .build();
  }
}
