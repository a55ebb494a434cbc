package io.bulwark.testsupport.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * One real Kafka broker (KRaft, from spring-kafka-test) per test JVM, started on first use, and
 * plain-client helpers to create topics, send raw records and read a topic from the beginning.
 */
public final class TestKafka {

  private static EmbeddedKafkaKraftBroker broker;

  private TestKafka() {}

  public static synchronized String bootstrapServers() {
    if (broker == null) {
      broker = new EmbeddedKafkaKraftBroker(1, 3);
      broker.brokerProperty("auto.create.topics.enable", "true");
      broker.brokerProperty("num.partitions", "3");
      broker.brokerProperty("group.initial.rebalance.delay.ms", "0");
      broker.brokerProperty("transaction.state.log.replication.factor", "1");
      broker.brokerProperty("transaction.state.log.min.isr", "1");
      broker.afterPropertiesSet();
      EmbeddedKafkaKraftBroker started = broker;
      Runtime.getRuntime().addShutdownHook(new Thread(started::destroy, "test-kafka-stop"));
    }
    return broker.getBrokersAsString();
  }

  /** A topic name no other test uses. */
  public static String uniqueTopic(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  public static void createTopic(String name, int partitions) {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get();
    } catch (Exception e) {
      throw new IllegalStateException("cannot create topic " + name, e);
    }
  }

  /** Sends raw bytes, as a broken or hostile producer could. */
  public static void send(String topic, String key, byte[] value) {
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()),
            new StringSerializer(),
            new ByteArraySerializer())) {
      producer.send(new ProducerRecord<>(topic, key, value)).get();
    } catch (Exception e) {
      throw new IllegalStateException("cannot send to " + topic, e);
    }
  }

  /**
   * Reads the topic from the beginning until {@code done} holds for what was read, or the timeout
   * passes; returns everything read either way.
   */
  public static List<ConsumerRecord<String, byte[]>> readUntil(
      String topic, Predicate<List<ConsumerRecord<String, byte[]>>> done, Duration timeout) {
    List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG,
                "reader-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                "false"),
            new StringDeserializer(),
            new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + timeout.toNanos();
      while (System.nanoTime() < deadline && !done.test(records)) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
    }
    return records;
  }

  /**
   * Waits until the consumer group has committed offsets at the end of every partition of the
   * topic: everything sent before this call has been processed (or dead-lettered).
   */
  public static void awaitConsumed(String groupId, String topic, Duration timeout) {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
      var partitions =
          admin
              .describeTopics(List.of(topic))
              .allTopicNames()
              .get()
              .get(topic)
              .partitions()
              .stream()
              .map(p -> new org.apache.kafka.common.TopicPartition(topic, p.partition()))
              .toList();
      Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec>
          latest = new java.util.HashMap<>();
      partitions.forEach(p -> latest.put(p, org.apache.kafka.clients.admin.OffsetSpec.latest()));
      var ends = admin.listOffsets(latest).all().get();
      long deadline = System.nanoTime() + timeout.toNanos();
      while (true) {
        var committed =
            admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get();
        boolean caughtUp =
            partitions.stream()
                .allMatch(
                    p -> {
                      long end = ends.get(p).offset();
                      var offset = committed.get(p);
                      return end == 0 || (offset != null && offset.offset() >= end);
                    });
        if (caughtUp) {
          return;
        }
        if (System.nanoTime() > deadline) {
          throw new AssertionError(groupId + " did not consume " + topic + " within " + timeout);
        }
        Thread.sleep(100);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("cannot read offsets of " + groupId, e);
    }
  }

  /** Reads the topic until at least {@code count} records arrived or the timeout passed. */
  public static List<ConsumerRecord<String, byte[]>> read(
      String topic, int count, Duration timeout) {
    return readUntil(topic, records -> records.size() >= count, timeout);
  }
}
