package io.bulwark.gateway.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.bulwark.gateway.GatewayProperties;
import io.bulwark.gateway.GatewayProperties.WatchedInstance;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The instances the console watches: configured ones, and each address a service resolves to. */
class WatchedInstancesTests {

  private static final WatchedInstance AUTH =
      new WatchedInstance("auth-server", "auth-server", "http://auth-server:9090");

  @Test
  void aDiscoveredServiceHasOneInstancePerAddressItsHostResolvesToNow() throws Exception {
    InetAddress[][] answers = {
      {address(10, 0, 0, 9), address(10, 0, 0, 7)}, {address(10, 0, 0, 7)}
    };
    int[] asked = {0};
    WatchedInstances instances =
        new WatchedInstances(
            console(new GatewayProperties.DiscoveredService("order-service", "orders-mgmt", 9090)),
            host -> {
              assertThat(host).isEqualTo("orders-mgmt");
              return answers[Math.min(asked[0]++, answers.length - 1)];
            });

    assertThat(instances.now())
        .containsExactly(
            AUTH,
            new WatchedInstance("order-service", "order-service@10.0.0.7", "http://10.0.0.7:9090"),
            new WatchedInstance("order-service", "order-service@10.0.0.9", "http://10.0.0.9:9090"));
    assertThat(instances.now())
        .as("a pod gone is no longer watched")
        .extracting(WatchedInstance::name)
        .containsExactly("auth-server", "order-service@10.0.0.7");
  }

  @Test
  void aHostThatDoesNotResolveIsShownAsOneInstanceSayingSo() {
    WatchedInstances instances =
        new WatchedInstances(
            console(new GatewayProperties.DiscoveredService("order-service", "nowhere", 9090)),
            host -> {
              throw new UnknownHostException(host);
            });

    assertThat(instances.now())
        .last()
        .isEqualTo(
            new WatchedInstance(
                "order-service",
                "order-service (nowhere does not resolve)",
                "http://nowhere:9090"));
  }

  @Test
  void anIpv6AddressIsBracketedInItsUrl() throws Exception {
    InetAddress v6 = InetAddress.getByName("fd00::7");
    WatchedInstances instances =
        new WatchedInstances(
            console(new GatewayProperties.DiscoveredService("order-service", "o", 9090)),
            host -> new InetAddress[] {v6});

    assertThat(instances.now().get(1).managementUrl())
        .isEqualTo("http://[fd00:0:0:0:0:0:0:7]:9090");
  }

  private static GatewayProperties.Console console(GatewayProperties.DiscoveredService service) {
    return new GatewayProperties.Console(
        List.of(AUTH),
        List.of(service),
        Duration.ofSeconds(2),
        Duration.ofSeconds(1),
        "",
        new GatewayProperties.Chaos("", ""));
  }

  private static InetAddress address(int a, int b, int c, int d) throws UnknownHostException {
    return InetAddress.getByAddress(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d});
  }
}
