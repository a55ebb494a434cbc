package io.bulwark.harness.auth;

import static io.bulwark.harness.postgres.ServiceDatabase.INVENTORY_SERVICE_ROLE;
import static io.bulwark.harness.postgres.ServiceDatabase.ORDER_SERVICE_ROLE;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The platform's demo users ({@code customer-1}, {@code customer-2}, {@code operator}), its OAuth
 * clients and the services' database roles, with secrets generated on first use and kept in one
 * owner-only file, so that a second start (and {@code ./bulwark token}) finds the same ones.
 * Secrets go to the processes in owner-only settings files, never on a command line.
 */
public final class Identities implements Credentials {

  /** The API every access token is for: the resource servers require it as the audience. */
  public static final String AUDIENCE = "bulwark-api";

  public static final String CUSTOMER_1 = "customer-1";
  public static final String CUSTOMER_2 = "customer-2";
  public static final String OPERATOR = "operator";
  public static final List<String> DEMO_USERS = List.of(CUSTOMER_1, CUSTOMER_2, OPERATOR);

  /** A public client for command lines and tests: authorization code with PKCE. */
  public static final String CLI_CLIENT = "bulwark-cli";

  /** Where the command-line client's codes go; nothing listens, the code is read off the URL. */
  public static final String CLI_REDIRECT = "http://127.0.0.1/callback";

  /** The gateway's own client: it signs browsers in and keeps their tokens (BFF). */
  public static final String GATEWAY_CLIENT = "bulwark-gateway";

  /** order-service's machine client: client credentials, to ask inventory-service. */
  public static final String ORDER_SERVICE_CLIENT = "order-service";

  /** What a customer's token may do: place, read, list and cancel the customer's own orders. */
  public static final String ORDERS_SCOPE = "orders";

  /** What order-service's machine token may do: read stock. */
  public static final String INVENTORY_READ_SCOPE = "inventory:read";

  private static final String FILE = "identities.properties";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Path dir;
  private final Properties secrets;

  private Identities(Path dir, Properties secrets) {
    this.dir = dir;
    this.secrets = secrets;
  }

  /** The identities kept in {@code dir}, created there with fresh secrets on first use. */
  public static Identities in(Path where) {
    Path dir = where.toAbsolutePath().normalize();
    try {
      Files.createDirectories(dir);
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
      Path file = dir.resolve(FILE);
      Properties secrets = new Properties();
      if (Files.exists(file)) {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
          secrets.load(reader);
        }
      }
      boolean added = false;
      for (String user : DEMO_USERS) {
        added |= secrets.putIfAbsent("user." + user, fresh()) == null;
      }
      for (String client : List.of(GATEWAY_CLIENT, ORDER_SERVICE_CLIENT)) {
        added |= secrets.putIfAbsent("client." + client, fresh()) == null;
      }
      for (String role : List.of(ORDER_SERVICE_ROLE, INVENTORY_SERVICE_ROLE)) {
        added |= secrets.putIfAbsent("database." + role, fresh()) == null;
      }
      if (added) {
        write(file, secrets);
      }
      return new Identities(dir, secrets);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot keep the platform's identities in " + dir, e);
    }
  }

  /** The identities an earlier start kept in {@code dir}: for tools, which create none. */
  public static Identities existingIn(Path dir) {
    if (!Files.exists(dir.resolve(FILE))) {
      throw new IllegalStateException(
          "no identities in " + dir + ": start the platform first (./bulwark run)");
    }
    return in(dir);
  }

  @Override
  public String password(String user) {
    return secret("user." + user);
  }

  @Override
  public String clientSecret(String client) {
    return secret("client." + client);
  }

  /** The password of a service's database role. */
  public String databasePassword(String role) {
    return secret("database." + role);
  }

  private String secret(String key) {
    String secret = secrets.getProperty(key);
    if (secret == null) {
      throw new IllegalArgumentException("no such identity: " + key);
    }
    return secret;
  }

  /**
   * The authorization server's settings: the issuer, where its key is kept, the demo users with
   * their roles, and the clients ({@code gatewayUrl} is where the gateway's sign-in returns to).
   */
  public Path authServerSettings(String issuer, List<String> gatewayUrls) {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("bulwark.auth.issuer", issuer);
    settings.put("bulwark.auth.key-file", dir.resolve("signing-key.pk8").toString());
    for (int i = 0; i < DEMO_USERS.size(); i++) {
      String user = DEMO_USERS.get(i);
      String prefix = "bulwark.auth.users[" + i + "].";
      settings.put(prefix + "username", user);
      settings.put(prefix + "password", "{noop}" + password(user));
      settings.put(prefix + "roles", user.equals(OPERATOR) ? "operator" : "customer");
    }
    String cli = "bulwark.auth.clients[0].";
    settings.put(cli + "id", CLI_CLIENT);
    settings.put(cli + "grant-types", "authorization_code,refresh_token");
    settings.put(cli + "redirect-uris", CLI_REDIRECT);
    settings.put(cli + "scopes", "openid,profile," + ORDERS_SCOPE);
    String gateway = "bulwark.auth.clients[1].";
    settings.put(gateway + "id", GATEWAY_CLIENT);
    settings.put(gateway + "secret", "{noop}" + clientSecret(GATEWAY_CLIENT));
    settings.put(gateway + "grant-types", "authorization_code,refresh_token");
    List<String> redirects = new ArrayList<>();
    for (String url : gatewayUrls) {
      redirects.add(url + "/login/oauth2/code/bulwark");
    }
    settings.put(gateway + "redirect-uris", String.join(",", redirects));
    settings.put(gateway + "scopes", "openid,profile," + ORDERS_SCOPE);
    String orders = "bulwark.auth.clients[2].";
    settings.put(orders + "id", ORDER_SERVICE_CLIENT);
    settings.put(orders + "secret", "{noop}" + clientSecret(ORDER_SERVICE_CLIENT));
    settings.put(orders + "grant-types", "client_credentials");
    settings.put(orders + "scopes", INVENTORY_READ_SCOPE);
    return settingsFile("auth-server", settings);
  }

  /** The gateway's secret: its client's, to sign browsers in. */
  public Path gatewaySettings() {
    return settingsFile(
        "gateway",
        Map.of(
            "spring.security.oauth2.client.registration.bulwark.client-secret",
            clientSecret(GATEWAY_CLIENT)));
  }

  /**
   * order-service's secrets: its machine client's, to call inventory-service, and its database
   * role's.
   */
  public Path orderServiceSettings() {
    Map<String, String> settings = new LinkedHashMap<>(databaseLogin(ORDER_SERVICE_ROLE));
    settings.put(
        "spring.security.oauth2.client.registration.inventory.client-secret",
        clientSecret(ORDER_SERVICE_CLIENT));
    return settingsFile("order-service", settings);
  }

  /** inventory-service's secret: its database role's. */
  public Path inventoryServiceSettings() {
    return settingsFile("inventory-service", databaseLogin(INVENTORY_SERVICE_ROLE));
  }

  private Map<String, String> databaseLogin(String role) {
    return Map.of(
        "spring.datasource.username", role, "spring.datasource.password", databasePassword(role));
  }

  private Path settingsFile(String name, Map<String, String> settings) {
    Properties properties = new Properties();
    properties.putAll(settings);
    Path file = dir.resolve(name + ".properties");
    try {
      write(file, properties);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  private static void write(Path file, Properties properties) throws IOException {
    Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
    Files.deleteIfExists(temporary);
    Files.createFile(
        temporary,
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try (Writer writer = Files.newBufferedWriter(temporary, StandardCharsets.UTF_8)) {
      properties.store(writer, "Bulwark's generated identities: keep private");
    }
    Files.move(
        temporary,
        file,
        java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  private static String fresh() {
    byte[] bytes = new byte[24];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** The property that makes a Spring Boot process read a settings file written here. */
  public static Map<String, String> importing(Path settings) {
    return Map.of("spring.config.import", "optional:file:" + settings);
  }
}
