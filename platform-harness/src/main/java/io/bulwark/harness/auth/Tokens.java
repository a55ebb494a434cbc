package io.bulwark.harness.auth;

import io.bulwark.harness.http.Forms;
import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Access tokens from the platform's authorization server, obtained as real clients obtain them: a
 * user's through the authorization-code flow with PKCE (the sign-in form filled in as a browser
 * would), a machine's through client credentials. Each is kept until shortly before it expires.
 */
public final class Tokens {

  private static final Pattern CSRF = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"");
  private static final Pattern ACCESS_TOKEN =
      Pattern.compile("\"access_token\"\\s*:\\s*\"([^\"]+)\"");
  private static final Pattern EXPIRES_IN = Pattern.compile("\"expires_in\"\\s*:\\s*(\\d+)");
  private static final Duration MARGIN = Duration.ofSeconds(60);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final String issuer;
  private final Credentials identities;
  private final Map<String, Kept> kept = new ConcurrentHashMap<>();

  private record Token(String value, Instant expires) {}

  /**
   * One key's token. Callers that find it missing or due while another obtains it wait for that
   * one, so that a burst of requests starting together signs in once, not once each.
   */
  private static final class Kept {
    private @Nullable Token token;

    synchronized String current(Supplier<Token> obtain) {
      if (token == null || Instant.now().plus(MARGIN).isAfter(token.expires())) {
        token = obtain.get();
      }
      return token.value();
    }
  }

  /**
   * Tokens from the authorization server at {@code issuer} (its address, as this side reaches it).
   */
  public Tokens(String issuer, Credentials identities) {
    this.issuer = issuer;
    this.identities = identities;
  }

  /** A current access token of the demo user, signed in with its password. */
  public String forUser(String user) {
    return cached("user:" + user, () -> signIn(user, identities.password(user)));
  }

  /** The same, as a supplier that always gives a current token. */
  public Supplier<String> of(String user) {
    return () -> forUser(user);
  }

  /** A current client-credentials token of a machine client. */
  public String forClient(String client, String scope) {
    return cached(
        "client:" + client + ":" + scope,
        () ->
            tokenRequest(
                Map.of(
                    "grant_type",
                    "client_credentials",
                    "client_id",
                    client,
                    "client_secret",
                    identities.clientSecret(client),
                    "scope",
                    scope)));
  }

  private String cached(String key, Supplier<Token> obtain) {
    return kept.computeIfAbsent(key, k -> new Kept()).current(obtain);
  }

  /**
   * The authorization-code flow with PKCE of {@link Identities#CLI_CLIENT}: ask to authorize, be
   * sent to the sign-in form, fill it in, follow the redirect back to the authorization endpoint,
   * take the code off the final redirect and exchange it with the verifier.
   */
  private Token signIn(String user, String password) {
    HttpClient browser =
        HttpClient.newBuilder()
            .cookieHandler(new CookieManager())
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    String verifier = random(32);
    String state = random(16);
    String authorize =
        issuer
            + "/oauth2/authorize?"
            + Forms.encode(
                Map.of(
                    "response_type",
                    "code",
                    "client_id",
                    Identities.CLI_CLIENT,
                    "redirect_uri",
                    Identities.CLI_REDIRECT,
                    "scope",
                    "openid " + Identities.ORDERS_SCOPE,
                    "state",
                    state,
                    "code_challenge",
                    challenge(verifier),
                    "code_challenge_method",
                    "S256"));
    HttpResponse<String> toLogin = send(browser, get(authorize));
    String loginPage = send(browser, get(location(toLogin))).body();
    Matcher csrf = CSRF.matcher(loginPage);
    if (!csrf.find()) {
      throw new IllegalStateException("no sign-in form at " + issuer + "/login");
    }
    HttpResponse<String> signedIn =
        send(
            browser,
            HttpRequest.newBuilder(URI.create(issuer + "/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "text/html")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        Forms.encode(
                            Map.of(
                                "username", user, "password", password, "_csrf", csrf.group(1)))))
                .build());
    String next = location(signedIn);
    if (next.contains("error")) {
      throw new IllegalStateException("sign-in refused for " + user);
    }
    String callback = location(send(browser, get(next)));
    Map<String, String> answer = Forms.decode(URI.create(callback).getRawQuery());
    if (!state.equals(answer.get("state")) || !answer.containsKey("code")) {
      throw new IllegalStateException("no authorization code for " + user + ": " + callback);
    }
    return tokenRequest(
        Map.of(
            "grant_type",
            "authorization_code",
            "client_id",
            Identities.CLI_CLIENT,
            "redirect_uri",
            Identities.CLI_REDIRECT,
            "code",
            answer.get("code"),
            "code_verifier",
            verifier));
  }

  private Token tokenRequest(Map<String, String> parameters) {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    HttpResponse<String> response =
        send(
            client,
            HttpRequest.newBuilder(URI.create(issuer + "/oauth2/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(Forms.encode(parameters)))
                .build());
    Matcher token = ACCESS_TOKEN.matcher(response.body());
    if (response.statusCode() != 200 || !token.find()) {
      throw new IllegalStateException(
          "token request refused: " + response.statusCode() + " " + response.body());
    }
    Matcher expiresIn = EXPIRES_IN.matcher(response.body());
    long seconds = expiresIn.find() ? Long.parseLong(expiresIn.group(1)) : 300;
    return new Token(token.group(1), Instant.now().plusSeconds(seconds));
  }

  private static HttpRequest get(String url) {
    return HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/html").GET().build();
  }

  private static HttpResponse<String> send(HttpClient client, HttpRequest request) {
    try {
      return client.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException(request.method() + " " + request.uri() + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private String location(HttpResponse<String> response) {
    String location =
        response
            .headers()
            .firstValue("Location")
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "expected a redirect from "
                            + response.uri()
                            + ", got "
                            + response.statusCode()));
    return URI.create(issuer + "/").resolve(location).toString();
  }

  private static String random(int bytes) {
    byte[] value = new byte[bytes];
    RANDOM.nextBytes(value);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(value);
  }

  private static String challenge(String verifier) {
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(hash);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
