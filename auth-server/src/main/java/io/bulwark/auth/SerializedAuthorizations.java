package io.bulwark.auth;

import org.jspecify.annotations.Nullable;
import org.springframework.security.oauth2.server.authorization.InMemoryOAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;

/**
 * The authorizations in progress and granted, in memory, one request at a time. Spring's in-memory
 * store reads its map of sign-ins in progress without holding that map's lock, so a sign-in
 * completing while another begins fails with a {@code ConcurrentModificationException} (a 500 from
 * the token endpoint, seen under a benchmark's sign-ins); here every call holds one lock. Each call
 * is a few map operations, well below the cost of the request around it.
 */
final class SerializedAuthorizations implements OAuth2AuthorizationService {

  private final OAuth2AuthorizationService authorizations =
      new InMemoryOAuth2AuthorizationService();

  @Override
  public synchronized void save(OAuth2Authorization authorization) {
    authorizations.save(authorization);
  }

  @Override
  public synchronized void remove(OAuth2Authorization authorization) {
    authorizations.remove(authorization);
  }

  @Override
  public synchronized @Nullable OAuth2Authorization findById(String id) {
    return authorizations.findById(id);
  }

  @Override
  public synchronized @Nullable OAuth2Authorization findByToken(
      String token, @Nullable OAuth2TokenType tokenType) {
    return authorizations.findByToken(token, tokenType);
  }
}
