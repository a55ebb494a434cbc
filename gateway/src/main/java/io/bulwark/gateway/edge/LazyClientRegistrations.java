package io.bulwark.gateway.edge;

import java.util.Map;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;

/**
 * The sign-in client registrations, read from the issuer's discovery document when a browser first
 * signs in rather than at start: the gateway starts, and serves API clients, while the issuer is
 * still starting or away. A failed lookup is tried again on the next sign-in.
 */
final class LazyClientRegistrations implements ClientRegistrationRepository {

  private final Supplier<Map<String, ClientRegistration>> discover;
  private volatile @Nullable Map<String, ClientRegistration> registrations;

  LazyClientRegistrations(Supplier<Map<String, ClientRegistration>> discover) {
    this.discover = discover;
  }

  @Override
  public @Nullable ClientRegistration findByRegistrationId(String registrationId) {
    Map<String, ClientRegistration> known = registrations;
    if (known == null) {
      synchronized (this) {
        known = registrations;
        if (known == null) {
          known = Map.copyOf(discover.get());
          registrations = known;
        }
      }
    }
    return known.get(registrationId);
  }
}
