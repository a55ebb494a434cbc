package io.bulwark.auth;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code bulwark.auth.*}: who may sign in, which clients may ask for tokens, and what the tokens
 * say. Nothing here has a default secret: users and clients come from the deployment (the local run
 * writes them, with fresh random passwords, into its data directory; compose and Kubernetes read
 * them from secrets).
 *
 * @param issuer the issuer URL put in every token and in the discovery document; empty takes it
 *     from each request, which only suits a single address
 * @param audience the {@code aud} of every access token: what the resource servers require
 * @param accessTokenTimeToLive how long an access token is valid
 * @param keyFile where the signing key is kept across restarts (created on the first start); none
 *     keeps a fresh key in memory, and every restart then invalidates the tokens issued before it
 * @param users the people who may sign in
 * @param clients the applications that may ask for tokens
 */
@ConfigurationProperties("bulwark.auth")
public record AuthProperties(
    @Nullable String issuer,
    @DefaultValue("bulwark-api") String audience,
    @DefaultValue("15m") Duration accessTokenTimeToLive,
    @Nullable Path keyFile,
    @DefaultValue List<User> users,
    @DefaultValue List<Client> clients) {

  /**
   * A person who may sign in.
   *
   * @param password with its encoding as a prefix: {@code {bcrypt}...}, or {@code {noop}...} for a
   *     generated demo password
   * @param roles put in the access token's {@code roles} claim (e.g. {@code customer}, {@code
   *     operator})
   */
  public record User(String username, String password, @DefaultValue List<String> roles) {}

  /**
   * An application that may ask for tokens.
   *
   * @param secret with its encoding as a prefix, as a user's password; none makes a public client
   *     (a command line or a browser application), which must use PKCE
   * @param grantTypes {@code authorization_code}, {@code refresh_token}, {@code client_credentials}
   * @param redirectUris where an authorization code may be sent
   * @param scopes the scopes the client may ask for
   */
  public record Client(
      String id,
      @Nullable String secret,
      @DefaultValue List<String> grantTypes,
      @DefaultValue List<String> redirectUris,
      @DefaultValue List<String> scopes) {}
}
