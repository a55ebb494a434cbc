package io.bulwark.system;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.bulwark.fixtures.kafka.TestKafka;
import io.bulwark.fixtures.postgres.TestPostgres;
import io.bulwark.harness.kafka.KafkaCluster;
import io.bulwark.harness.net.Partitions;
import io.bulwark.harness.platform.ServiceDatabases;
import io.bulwark.harness.postgres.PatroniCluster;
import io.bulwark.harness.postgres.PostgresPair;
import io.bulwark.harness.process.Directories;
import io.bulwark.harness.process.FreePorts;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** Owns the platform's lifecycle for a {@link SystemTest} class. */
final class PlatformExtension implements BeforeAllCallback {

  /** Where the run's shared platform is kept, closed when the run ends. */
  private static final ExtensionContext.Namespace RUN =
      ExtensionContext.Namespace.create(PlatformExtension.class, "shared");

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    Class<?> testClass = context.getRequiredTestClass();
    SystemTest settings = testClass.getAnnotation(SystemTest.class);
    if (settings.shared()) {
      if (settings.instancesPerService() != 1
          || settings.databases() != SystemTest.Databases.SHARED
          || settings.kafka() != SystemTest.Brokers.SHARED
          || settings.orderService().length > 0) {
        throw new IllegalStateException(testClass + ": a shared platform has the default settings");
      }
      Started shared =
          context
              .getRoot()
              .getStore(RUN)
              .computeIfAbsent(Started.class, type -> startShared(), Started.class);
      inject(testClass, Platform.class, shared.platform());
      return;
    }
    // the shared platform's classes have all run (they run first): it stops before this one starts
    Started shared = context.getRoot().getStore(RUN).remove(Started.class, Started.class);
    if (shared != null) {
      shared.close();
    }
    Started started = new Started();
    Map<String, String> orderService = new java.util.LinkedHashMap<>();
    for (String setting : settings.orderService()) {
      int equals = setting.indexOf('=');
      orderService.put(setting.substring(0, equals), setting.substring(equals + 1));
    }
    context
        .getStore(ExtensionContext.Namespace.create(PlatformExtension.class, testClass))
        .put(Started.class, started);
    // where this machine can drop a process's packets, the class's own clusters can be partitioned
    Partitions partitions =
        Partitions.available()
                && (settings.kafka() == SystemTest.Brokers.THREE
                    || settings.databases() == SystemTest.Databases.PATRONI)
            ? started.add(Partitions.open())
            : null;
    if (partitions != null) {
      inject(testClass, Partitions.class, partitions);
    }
    KafkaCluster ownKafka = null;
    String kafka =
        switch (settings.kafka()) {
          case SHARED -> TestKafka.bootstrapServers();
          case THREE -> {
            KafkaCluster cluster =
                started.add(
                    KafkaCluster.start(
                        fresh(Path.of("target", "kafka-" + testClass.getSimpleName())),
                        List.of(brokerPorts(), brokerPorts(), brokerPorts()),
                        testClasspath(),
                        partitions));
            inject(testClass, KafkaCluster.class, cluster);
            ownKafka = cluster;
            yield cluster.bootstrapServers();
          }
        };
    // the class's own identities and its processes' logs, apart from every other class's
    Path dir = Path.of("target", "platform", testClass.getSimpleName());
    Platform platform =
        switch (settings.databases()) {
          case SHARED ->
              onTheSharedServer(dir, settings.instancesPerService(), kafka, orderService);
          case PAIR -> {
            PostgresPair pair = started.add(PostgresPair.start());
            inject(testClass, PostgresPair.class, pair);
            pair.createDatabase("orders");
            pair.createDatabase("inventory");
            yield new Platform(
                dir,
                settings.instancesPerService(),
                pair.jdbcUrl("orders"),
                pair.jdbcUrl("inventory"),
                kafka,
                orderService);
          }
          case PATRONI -> {
            assumeTrue(
                PatroniCluster.available(),
                "needs Debian's patroni and etcd-server packages (.ci/run installs them)");
            PatroniCluster cluster = started.add(PatroniCluster.start(2, partitions));
            inject(testClass, PatroniCluster.class, cluster);
            cluster.createDatabase("orders");
            cluster.createDatabase("inventory");
            // on Patroni, as in the local run, the services read from the standby where they may
            yield new Platform(
                dir,
                settings.instancesPerService(),
                new ServiceDatabases(
                    cluster.jdbcUrl("orders"),
                    cluster.jdbcUrl("inventory"),
                    cluster.standbyJdbcUrl("orders"),
                    cluster.standbyJdbcUrl("inventory")),
                kafka,
                orderService,
                new Platform.Owned(ownKafka, cluster, partitions != null));
          }
        };
    started.add(platform::settleThenClose);
    inject(testClass, Platform.class, platform);
  }

  /** The run's shared platform, on the test JVM's PostgreSQL server and broker. */
  private static Started startShared() {
    Started started = new Started();
    Platform platform =
        onTheSharedServer(
            Path.of("target", "platform", "shared"), 1, TestKafka.bootstrapServers(), Map.of());
    started.add(platform::settleThenClose);
    started.platform = platform;
    return started;
  }

  /** A platform whose databases are fresh ones on the test JVM's PostgreSQL server. */
  private static Platform onTheSharedServer(
      Path dir, int instancesPerService, String kafka, Map<String, String> orderService) {
    return new Platform(
        dir,
        instancesPerService,
        TestPostgres.newDatabase("orders"),
        TestPostgres.newDatabase("inventory"),
        kafka,
        orderService);
  }

  private static Path fresh(Path dir) throws java.io.IOException {
    Directories.delete(dir);
    return dir;
  }

  private static KafkaCluster.Ports brokerPorts() {
    return new KafkaCluster.Ports(FreePorts.next(), FreePorts.next());
  }

  /**
   * The test JVM's class path, which holds Kafka's server: Failsafe hands it over in a property,
   * behind a launcher jar of its own.
   */
  private static String testClasspath() {
    return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
  }

  private static void inject(Class<?> testClass, Class<?> type, Object value)
      throws IllegalAccessException {
    for (Field field : testClass.getDeclaredFields()) {
      if (Modifier.isStatic(field.getModifiers()) && field.getType() == type) {
        field.setAccessible(true);
        field.set(null, value);
      }
    }
  }

  /** What was started for the class, closed by JUnit after its last test, the last first. */
  private static final class Started implements AutoCloseable {
    private final List<AutoCloseable> parts = new ArrayList<>();
    private @Nullable Platform platform;

    Platform platform() {
      return java.util.Objects.requireNonNull(platform, "no platform started");
    }

    <T extends AutoCloseable> T add(T part) {
      parts.add(part);
      return part;
    }

    @Override
    public void close() throws Exception {
      Exception failure = null;
      for (int i = parts.size() - 1; i >= 0; i--) {
        try {
          parts.get(i).close();
        } catch (Exception e) {
          if (failure == null) {
            failure = e;
          } else {
            failure.addSuppressed(e);
          }
        }
      }
      if (failure != null) {
        throw failure;
      }
    }
  }
}
