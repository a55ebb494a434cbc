package io.bulwark.system;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A test class run against the whole platform. {@link PlatformExtension} starts the platform once
 * for the class, on the databases named here, before any of its {@code @BeforeAll} methods, and
 * sets the class's static fields of type {@link Platform} (and {@code PostgresPair} or {@code
 * PatroniCluster}, the databases under it, {@code KafkaCluster}, the brokers, and {@code
 * Partitions}, where this machine can cut those clusters' nodes off the network) to what it
 * started. After the class's last test it leaves the shared broker settled (every event consumed, a
 * terminated consumer restarted for that) and stops everything. A {@link #shared()} class runs on
 * the platform such classes share instead, settled and stopped when the run ends.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(PlatformExtension.class)
@interface SystemTest {

  int instancesPerService() default 1;

  Databases databases() default Databases.SHARED;

  Brokers kafka() default Brokers.SHARED;

  /** Settings of order-service's instances besides their own, each {@code name=value}. */
  String[] orderService() default {};

  /**
   * Whether the class runs on the platform every such class of the run shares, started for the
   * first of them and stopped when the run ends, instead of one of its own: for a class that leaves
   * every other setting at its default and the platform as it found it (no instance stopped, no
   * fault left behind, its own products and customers' orders only).
   */
  boolean shared() default false;

  /** What the services' databases run on. */
  enum Databases {
    /** A fresh database per service on the shared test PostgreSQL server. */
    SHARED,
    /** A primary with a synchronous standby, promoted by the test itself. */
    PAIR,
    /** A Patroni pair with etcd (skipped where Patroni is not installed). */
    PATRONI
  }

  /** What the services' Kafka runs on. */
  enum Brokers {
    /** The test JVM's shared broker. */
    SHARED,
    /**
     * The class's own cluster of three brokers, each its own process (KRaft, every topic on all
     * three, {@code min.insync.replicas} 2), to kill, freeze and restart.
     */
    THREE
  }
}
