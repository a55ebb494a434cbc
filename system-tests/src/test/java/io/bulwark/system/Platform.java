package io.bulwark.system;

import io.bulwark.testsupport.kafka.TestKafka;
import io.bulwark.testsupport.postgres.TestPostgres;
import io.bulwark.testsupport.process.BootJar;
import io.bulwark.testsupport.process.FreePorts;
import io.bulwark.testsupport.process.ManagedProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * The whole platform from its built jars: inventory-service, order-service and the gateway, each
 * its own process, on a real PostgreSQL (a database per service) and a real Kafka broker.
 */
final class Platform implements AutoCloseable {

  private static final List<String> JVM =
      List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m");

  final String ordersUrl = TestPostgres.newDatabase("orders");
  final String inventoryUrl = TestPostgres.newDatabase("inventory");
  final JdbcClient orders = jdbc(ordersUrl);
  final JdbcClient inventory = jdbc(inventoryUrl);
  final int gatewayPort = FreePorts.next();
  private final List<ManagedProcess> processes = new ArrayList<>();

  Platform() {
    String kafka = TestKafka.bootstrapServers();
    int inventoryPort = FreePorts.next();
    int orderPort = FreePorts.next();
    Path logs = Path.of("target", "platform-logs");
    try {
      ManagedProcess inventoryService =
          start(
              "inventory-service",
              Map.of(
                  "server.port", String.valueOf(inventoryPort),
                  "spring.datasource.url", inventoryUrl,
                  "spring.kafka.bootstrap-servers", kafka),
              logs);
      ManagedProcess orderService =
          start(
              "order-service",
              Map.of(
                  "server.port",
                  String.valueOf(orderPort),
                  "spring.datasource.url",
                  ordersUrl,
                  "spring.kafka.bootstrap-servers",
                  kafka,
                  "spring.cloud.discovery.client.simple.instances.inventory-service[0].uri",
                  "http://127.0.0.1:" + inventoryPort),
              logs);
      ManagedProcess gateway =
          start(
              "gateway",
              Map.of(
                  "server.port", String.valueOf(gatewayPort),
                  "bulwark.gateway.order-service-url", "http://127.0.0.1:" + orderPort,
                  "bulwark.gateway.inventory-service-url", "http://127.0.0.1:" + inventoryPort),
              logs);
      Duration startup = Duration.ofSeconds(120);
      inventoryService.awaitHealthy(health(inventoryPort), startup);
      orderService.awaitHealthy(health(orderPort), startup);
      gateway.awaitHealthy(health(gatewayPort), startup);
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  private ManagedProcess start(String name, Map<String, String> properties, Path logs) {
    Path jar = Path.of(System.getProperty("bulwark.jars." + name));
    ManagedProcess process = BootJar.start(name, jar, JVM, properties, logs.resolve(name + ".log"));
    processes.add(process);
    return process;
  }

  String gateway() {
    return "http://127.0.0.1:" + gatewayPort;
  }

  private static String health(int port) {
    return "http://127.0.0.1:" + port + "/actuator/health";
  }

  private static JdbcClient jdbc(String url) {
    return JdbcClient.create(new DriverManagerDataSource(url, "postgres", ""));
  }

  @Override
  public void close() {
    for (int i = processes.size() - 1; i >= 0; i--) {
      processes.get(i).stop(Duration.ofSeconds(20));
    }
  }
}
