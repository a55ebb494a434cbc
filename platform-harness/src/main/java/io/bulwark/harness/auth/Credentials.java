package io.bulwark.harness.auth;

/** Where the demo users' passwords and the clients' secrets are kept. */
public interface Credentials {

  String password(String user);

  String clientSecret(String client);
}
