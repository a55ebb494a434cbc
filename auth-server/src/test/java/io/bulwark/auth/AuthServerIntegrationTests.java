package io.bulwark.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bulwark.harness.auth.Identities;
import io.bulwark.harness.auth.Tokens;
import io.bulwark.harness.http.HttpJson;
import io.bulwark.harness.http.HttpJson.Response;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The authorization server on a real port, with the identities the local run gives it, asked for
 * tokens the way the platform's clients ask: a user through the sign-in form with PKCE,
 * order-service through client credentials.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = "management.server.port=0")
class AuthServerIntegrationTests {

  private static final Path DIR = Path.of("target", "auth-server-identities");
  private static final Identities IDENTITIES = Identities.in(DIR);

  @LocalServerPort int port;
  @LocalManagementPort int managementPort;

  @DynamicPropertySource
  static void identities(DynamicPropertyRegistry registry) throws IOException {
    Path settings = IDENTITIES.authServerSettings("", List.of("http://127.0.0.1:1"));
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(settings, StandardCharsets.UTF_8)) {
      properties.load(reader);
    }
    properties.stringPropertyNames().stream()
        .filter(name -> !name.equals("bulwark.auth.issuer"))
        .forEach(name -> registry.add(name, () -> properties.getProperty(name)));
  }

  private String issuer() {
    return "http://127.0.0.1:" + port;
  }

  @Test
  void aCustomerSignedInWithPkceGetsATokenForTheApiWithItsRoleAndScope() {
    Map<String, Object> claims =
        claims(new Tokens(issuer(), IDENTITIES).forUser(Identities.CUSTOMER_1));

    assertThat(claims)
        .containsEntry("sub", "customer-1")
        .containsEntry("iss", issuer())
        .containsEntry("aud", "bulwark-api")
        .containsEntry("roles", "[\"customer\"]");
    assertThat((String) claims.get("scope")).contains("orders");
  }

  @Test
  void callersAskingForOneUsersTokenAtOnceShareOneSignIn() throws Exception {
    Tokens tokens = new Tokens(issuer(), IDENTITIES);
    int callers = 6;
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(callers);
    try {
      List<Future<String>> asked = new ArrayList<>();
      for (int i = 0; i < callers; i++) {
        asked.add(
            pool.submit(
                () -> {
                  start.await();
                  return tokens.forUser(Identities.CUSTOMER_2);
                }));
      }
      start.countDown();
      Set<String> jtis = new HashSet<>();
      for (Future<String> token : asked) {
        Object jti = claims(token.get()).get("jti");
        assertThat(jti).as("each token issued has an id of its own").isNotNull();
        jtis.add((String) jti);
      }
      assertThat(jtis).as("tokens issued, by their ids").hasSize(1);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void theOperatorsTokenCarriesTheOperatorRole() {
    assertThat(claims(new Tokens(issuer(), IDENTITIES).forUser(Identities.OPERATOR)))
        .containsEntry("sub", "operator")
        .containsEntry("roles", "[\"operator\"]");
  }

  @Test
  void aWrongPasswordGetsNoToken() {
    Identities wrong = Identities.in(DIR.resolve("other"));
    assertThatThrownBy(() -> new Tokens(issuer(), wrong).forUser(Identities.CUSTOMER_2))
        .hasMessageContaining("sign-in refused");
  }

  @Test
  void orderServiceGetsAMachineTokenForReadingStockOnly() {
    Tokens tokens = new Tokens(issuer(), IDENTITIES);
    Map<String, Object> claims =
        claims(tokens.forClient(Identities.ORDER_SERVICE_CLIENT, Identities.INVENTORY_READ_SCOPE));
    assertThat(claims)
        .containsEntry("sub", "order-service")
        .containsEntry("aud", "bulwark-api")
        .doesNotContainKey("roles");
    assertThatThrownBy(() -> tokens.forClient(Identities.ORDER_SERVICE_CLIENT, "orders"))
        .hasMessageContaining("invalid_scope");
  }

  @Test
  void theTokenEndpointRefusesAClientThatDoesNotAuthenticateAndTheUserInfoATokenlessCaller() {
    HttpJson server = new HttpJson(issuer());
    Response noClient =
        server.send(
            "POST",
            "/oauth2/token",
            "grant_type=client_credentials&client_id=order-service&scope=inventory:read",
            "application/x-www-form-urlencoded",
            Map.of());
    Response wrongSecret =
        server.send(
            "POST",
            "/oauth2/token",
            "grant_type=client_credentials&client_id=order-service&client_secret=wrong",
            "application/x-www-form-urlencoded",
            Map.of());

    assertThat(noClient.status()).isEqualTo(401);
    assertThat(wrongSecret.status()).isEqualTo(401);
    assertThat(server.get("/userinfo").status()).isEqualTo(401);
  }

  @Test
  void theDiscoveryDocumentNamesTheEndpointsAndKeys() {
    HttpJson.Response discovery = new HttpJson(issuer()).get("/.well-known/openid-configuration");
    assertThat(discovery.status()).isEqualTo(200);
    assertThat(discovery.body())
        .contains("\"issuer\":\"" + issuer() + "\"")
        .contains("/oauth2/jwks")
        .contains("S256");
    assertThat(new HttpJson(issuer()).get("/oauth2/jwks").body()).contains("\"kty\":\"RSA\"");
  }

  @Test
  void theSigningKeyIsKeptOwnerOnlyAcrossRestarts() throws IOException {
    Path key = DIR.resolve("signing-key.pk8");
    assertThat(key).exists();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key)))
        .isEqualTo("rw-------");
    String first = SigningKey.load(key).getKeyID();
    assertThat(SigningKey.load(key).getKeyID()).isEqualTo(first);
  }

  @Test
  void itsHealthIsOpenToProbesOnTheManagementPortOnly() {
    assertThat(new HttpJson("http://127.0.0.1:" + managementPort).get("/actuator/health").body())
        .contains("\"status\":\"UP\"");
    assertThat(new HttpJson(issuer()).get("/actuator/health").status()).isNotEqualTo(200);
  }

  /** The token's payload, each claim as its JSON text (strings without their quotes). */
  static Map<String, Object> claims(String jwt) {
    String payload =
        new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]), StandardCharsets.UTF_8);
    Map<String, Object> claims = new java.util.LinkedHashMap<>();
    java.util.regex.Matcher claim =
        java.util.regex.Pattern.compile("\"([a-z_]+)\":(\"[^\"]*\"|\\[[^\\]]*\\]|[0-9]+)")
            .matcher(payload);
    while (claim.find()) {
      String value = claim.group(2);
      claims.put(
          claim.group(1), value.startsWith("\"") ? value.substring(1, value.length() - 1) : value);
    }
    return claims;
  }
}
