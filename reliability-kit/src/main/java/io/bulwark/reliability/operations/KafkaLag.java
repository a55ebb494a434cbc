package io.bulwark.reliability.operations;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;

/**
 * The Kafka cluster as one service sees it: the brokers that answer, and for each of the service's
 * consumer groups how far each partition it has committed lags behind the partition's end. Each
 * question is bounded by {@code timeout}; a cluster that does not answer in time is reported as
 * unreachable, with the reason, never waited for.
 */
public final class KafkaLag implements AutoCloseable {

  /** A broker that answered. */
  public record Broker(int id, String host, int port) {}

  /** One partition of a group's topic: committed offset, end offset, and the lag between them. */
  public record PartitionLag(String group, String topic, int partition, long committed, long end) {
    public long lag() {
      return Math.max(0, end - committed);
    }
  }

  /** The brokers and the groups' lag, or why they are unknown. */
  public record View(
      List<Broker> brokers, List<PartitionLag> lag, long totalLag, @Nullable String unreachable) {}

  private final Admin admin;
  private final Collection<String> groups;
  private final Duration timeout;

  public KafkaLag(Admin admin, Collection<String> groups, Duration timeout) {
    this.admin = admin;
    this.groups = List.copyOf(groups);
    this.timeout = timeout;
  }

  public View read() {
    try {
      List<Broker> brokers =
          get(admin.describeCluster().nodes()).stream()
              .sorted(Comparator.comparingInt(Node::id))
              .map(node -> new Broker(node.id(), node.host(), node.port()))
              .toList();
      List<PartitionLag> lag = new ArrayList<>();
      for (String group : groups) {
        lag.addAll(lagOf(group));
      }
      lag.sort(
          Comparator.comparing(PartitionLag::group)
              .thenComparing(PartitionLag::topic)
              .thenComparingInt(PartitionLag::partition));
      return new View(brokers, lag, lag.stream().mapToLong(PartitionLag::lag).sum(), null);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      // the client's own wait ran out first: the same silence, said the same way
      return cause instanceof org.apache.kafka.common.errors.TimeoutException
          ? unreachable("no answer within " + timeout + " (" + cause.getMessage() + ")")
          : unreachable(cause.toString());
    } catch (TimeoutException e) {
      return unreachable("no answer within " + timeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return unreachable(e.toString());
    }
  }

  private List<PartitionLag> lagOf(String group)
      throws ExecutionException, InterruptedException, TimeoutException {
    Map<TopicPartition, OffsetAndMetadata> committed =
        get(admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata());
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    committed.keySet().forEach(partition -> latest.put(partition, OffsetSpec.latest()));
    Map<TopicPartition, ListOffsetsResultInfo> ends =
        latest.isEmpty() ? Map.of() : get(admin.listOffsets(latest).all());
    List<PartitionLag> lag = new ArrayList<>();
    committed.forEach(
        (partition, offset) -> {
          ListOffsetsResultInfo end = ends.get(partition);
          if (offset != null && end != null) {
            lag.add(
                new PartitionLag(
                    group,
                    partition.topic(),
                    partition.partition(),
                    offset.offset(),
                    end.offset()));
          }
        });
    return lag;
  }

  private <T> T get(org.apache.kafka.common.KafkaFuture<T> future)
      throws ExecutionException, InterruptedException, TimeoutException {
    return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private static View unreachable(String why) {
    return new View(List.of(), List.of(), 0, why);
  }

  @Override
  public void close() {
    admin.close(Duration.ofSeconds(1));
  }
}
