package io.bulwark.harness.platform;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TopologyTests {

  @Test
  void theLocalRunHasTwoInstancesOfEachServiceBehindTheGatewayOn8080() {
    Topology local = Topology.local();

    assertThat(local.gatewayUrl()).isEqualTo("http://127.0.0.1:8080");
    assertThat(local.instances())
        .containsExactly(
            java.util.Map.entry("order-service-1", 8081),
            java.util.Map.entry("order-service-2", 8083),
            java.util.Map.entry("inventory-service-1", 8082),
            java.util.Map.entry("inventory-service-2", 8084),
            java.util.Map.entry("gateway", 8080),
            java.util.Map.entry("auth-server", 9000));
    assertThat(local.issuer()).isEqualTo("http://127.0.0.1:9000");
  }

  @Test
  void inTheLocalRunEachProcessesActuatorIsOnItsOwnPortAThousandAbove() {
    assertThat(Topology.local().managementPortOf(8080)).isEqualTo(9080);
    assertThat(Topology.local().managementPortOf(8083)).isEqualTo(9083);
  }

  @Test
  void theLocalRunsDatabasesAreReachedOnWhicheverNodeOfThePairIsPrimary() {
    assertThat(Topology.local().pairJdbcUrl("orders"))
        .isEqualTo(
            "jdbc:postgresql://127.0.0.1:15432,127.0.0.1:15433/orders?targetServerType=primary");
    assertThat(Topology.local().patroniRestPorts()).containsExactly(18008, 18009);
  }

  @Test
  void noTwoPartsOfTheLocalRunShareAPort() {
    // 6 instances with a management port each, 2 + 2 for Patroni, 2 for etcd, 3 x 2 for Kafka,
    // 1 for Zipkin
    assertThat(Topology.local().allPorts()).doesNotHaveDuplicates().hasSize(25);
  }

  @Test
  void aTestTopologyHasItsOwnFreePortsForEveryInstance() {
    Topology test = Topology.ephemeral(2);

    assertThat(test.orderPorts()).hasSize(2);
    assertThat(test.inventoryPorts()).hasSize(2);
    assertThat(test.instances().values()).doesNotHaveDuplicates().doesNotContain(8080, 8081);
  }
}
