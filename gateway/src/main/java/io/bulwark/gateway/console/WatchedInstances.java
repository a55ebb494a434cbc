package io.bulwark.gateway.console;

import io.bulwark.gateway.GatewayProperties;
import io.bulwark.gateway.GatewayProperties.WatchedInstance;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The instances the console watches now: those configured by name, and those of each discovered
 * service, one per address its host name resolves to at this moment (a Kubernetes headless Service
 * over the pods' management port, publishing the addresses of pods not ready too, so a pod that is
 * starting or draining is shown as such). A host that does not resolve is shown as one unreachable
 * instance, saying which host, rather than left out.
 */
final class WatchedInstances {

  /** Resolves a host name to its addresses ({@link InetAddress#getAllByName} in production). */
  @FunctionalInterface
  interface Resolver {
    InetAddress[] resolve(String host) throws UnknownHostException;
  }

  private final GatewayProperties.Console settings;
  private final Resolver resolver;

  WatchedInstances(GatewayProperties.Console settings, Resolver resolver) {
    this.settings = settings;
    this.resolver = resolver;
  }

  List<WatchedInstance> now() {
    if (settings.discover().isEmpty()) {
      return settings.instances();
    }
    List<WatchedInstance> all = new ArrayList<>(settings.instances());
    for (GatewayProperties.DiscoveredService service : settings.discover()) {
      all.addAll(instancesOf(service));
    }
    return all;
  }

  private List<WatchedInstance> instancesOf(GatewayProperties.DiscoveredService service) {
    try {
      return Arrays.stream(resolver.resolve(service.host()))
          .map(InetAddress::getHostAddress)
          .sorted(Comparator.naturalOrder())
          .map(
              address ->
                  new WatchedInstance(
                      service.service(),
                      service.service() + "@" + address,
                      "http://"
                          + (address.contains(":") ? "[" + address + "]" : address)
                          + ":"
                          + service.port()))
          .toList();
    } catch (UnknownHostException e) {
      return List.of(
          new WatchedInstance(
              service.service(),
              service.service() + " (" + service.host() + " does not resolve)",
              "http://" + service.host() + ":" + service.port()));
    }
  }
}
