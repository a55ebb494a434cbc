package io.bulwark.order.inventory;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientManager;

/**
 * Callers that ask for the same client's token while another caller's request for it is under way
 * wait for that one and take its answer, token or failure. The manager it wraps checks its kept
 * token and fetches a new one only when that is missing or due; left alone, a burst of calls that
 * all find none (the first calls after a start, or after the token was dropped) would each fetch
 * one, and the authorization server verifies the client's secret (a deliberately slow hash) once
 * per fetch.
 */
final class SharedAuthorization implements OAuth2AuthorizedClientManager {

  private final OAuth2AuthorizedClientManager manager;
  private final Map<String, CompletableFuture<@Nullable OAuth2AuthorizedClient>> underWay =
      new ConcurrentHashMap<>();

  SharedAuthorization(OAuth2AuthorizedClientManager manager) {
    this.manager = manager;
  }

  @Override
  public @Nullable OAuth2AuthorizedClient authorize(OAuth2AuthorizeRequest request) {
    String key = request.getClientRegistrationId() + "\n" + request.getPrincipal().getName();
    CompletableFuture<@Nullable OAuth2AuthorizedClient> mine = new CompletableFuture<>();
    CompletableFuture<@Nullable OAuth2AuthorizedClient> theirs = underWay.putIfAbsent(key, mine);
    if (theirs != null) {
      return awaited(theirs);
    }
    try {
      OAuth2AuthorizedClient authorized = manager.authorize(request);
      mine.complete(authorized);
      return authorized;
    } catch (RuntimeException | Error e) {
      mine.completeExceptionally(e);
      throw e;
    } finally {
      underWay.remove(key, mine);
    }
  }

  private static @Nullable OAuth2AuthorizedClient awaited(
      CompletableFuture<@Nullable OAuth2AuthorizedClient> authorization) {
    try {
      return authorization.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      if (e.getCause() instanceof Error cause) {
        throw cause;
      }
      throw e;
    }
  }
}
