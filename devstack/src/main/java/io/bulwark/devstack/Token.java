package io.bulwark.devstack;

import io.bulwark.harness.auth.Identities;
import io.bulwark.harness.auth.Tokens;
import io.bulwark.harness.platform.Topology;

/**
 * {@code ./bulwark token USER}: prints an access token of a demo user of the running local
 * platform, obtained as any client obtains one (signing in at the authorization server, with the
 * authorization-code flow and PKCE), for {@code curl -H "Authorization: Bearer $TOKEN"}.
 */
public final class Token {

  private Token() {}

  public static void main(String[] args) {
    if (args.length != 1 || !Identities.DEMO_USERS.contains(args[0])) {
      System.err.println("usage: ./bulwark token USER, one of " + Identities.DEMO_USERS);
      System.exit(2);
    }
    try {
      Identities identities =
          Identities.existingIn(DevStack.secrets(DevStack.data(DevStack.root())));
      System.out.println(new Tokens(Topology.local().issuer(), identities).forUser(args[0]));
    } catch (RuntimeException e) {
      System.err.println("no token: " + e.getMessage() + " (is ./bulwark run running?)");
      System.exit(1);
    }
  }
}
