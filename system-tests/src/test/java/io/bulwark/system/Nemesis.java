package io.bulwark.system;

import io.bulwark.harness.kafka.KafkaCluster;
import io.bulwark.harness.net.Partitions;
import io.bulwark.harness.platform.PlatformLauncher.Instance;
import io.bulwark.harness.postgres.PatroniCluster;
import io.bulwark.harness.process.ProcessTrees;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * A seeded schedule of faults, one at a time, each held for a while and then healed: primary
 * crashes, freezes and partitions (past the leader key's life or not), broker kills, freezes and
 * partitions, kills and freezes of service instances. A partition drops packets, silently; where
 * this machine cannot, the step is logged as skipped. The seed alone decides the schedule (which
 * fault, which target by its place, when, for how long), so a failing run is replayed by running it
 * again with its seed.
 */
final class Nemesis {

  /** What can go wrong. */
  enum Fault {
    PRIMARY_CRASH,
    PRIMARY_FREEZE,
    PRIMARY_PARTITION,
    BROKER_KILL,
    BROKER_FREEZE,
    BROKER_PARTITION,
    INSTANCE_KILL,
    INSTANCE_FREEZE
  }

  /**
   * One fault of the schedule: after {@code pause} of calm, {@code fault} on the target chosen by
   * {@code target} (an index into the candidates, modulo their number), held for {@code hold}.
   */
  record Step(Duration pause, Fault fault, int target, Duration hold) {
    @Override
    public String toString() {
      return "after %.1f s %s #%d for %.1f s"
          .formatted(pause.toMillis() / 1e3, fault, target, hold.toMillis() / 1e3);
    }
  }

  private final long seed;
  private final List<Step> schedule;
  private final PatroniCluster database;
  private final KafkaCluster kafka;
  private final Platform platform;
  private final @Nullable Partitions partitions;
  private final List<String> log = new ArrayList<>();

  /** {@code partitions} is null where this machine cannot drop packets. */
  Nemesis(
      long seed,
      Duration length,
      PatroniCluster database,
      KafkaCluster kafka,
      Platform platform,
      @Nullable Partitions partitions) {
    this.seed = seed;
    this.schedule = schedule(seed, length);
    this.database = database;
    this.kafka = kafka;
    this.platform = platform;
    this.partitions = partitions;
  }

  /**
   * The schedule of a seed: steps until their pauses and holds fill {@code length}, every kind of
   * fault once in the first round (in an order of the seed's, however short the length), then any.
   */
  static List<Step> schedule(long seed, Duration length) {
    Random random = new Random(seed);
    List<Fault> firstRound = new ArrayList<>(List.of(Fault.values()));
    Collections.shuffle(firstRound, random);
    List<Step> steps = new ArrayList<>();
    long filled = 0;
    while (steps.size() < firstRound.size() || filled < length.toMillis()) {
      Fault fault =
          steps.size() < firstRound.size()
              ? firstRound.get(steps.size())
              : Fault.values()[random.nextInt(Fault.values().length)];
      Duration pause = Duration.ofMillis(2_000 + random.nextInt(6_000));
      // a primary frozen for 3-12 s: sometimes within the leader key's life, sometimes past it
      Duration hold = Duration.ofMillis(3_000 + random.nextInt(9_000));
      steps.add(new Step(pause, fault, random.nextInt(1_000), hold));
      filled += pause.toMillis() + hold.toMillis();
    }
    return steps;
  }

  long seed() {
    return seed;
  }

  /** The seed, the schedule and what each step did: enough to replay and to read a failure. */
  String report() {
    StringBuilder report = new StringBuilder("nemesis seed " + seed + "\nschedule:\n");
    schedule.forEach(step -> report.append("  ").append(step).append('\n'));
    report.append("what happened:\n");
    log.forEach(line -> report.append("  ").append(line).append('\n'));
    return report.toString();
  }

  /** Runs the schedule, healing each fault before the next; then waits until all is healthy. */
  void run() throws InterruptedException {
    long start = System.nanoTime();
    for (Step step : schedule) {
      Thread.sleep(step.pause().toMillis());
      double at = (System.nanoTime() - start) / 1e9;
      Injected injected = inject(step);
      Thread.sleep(step.hold().toMillis());
      injected.heal().run();
      String line =
          "%6.1f s  %s, healed after %.1f s"
              .formatted(at, injected.what(), (System.nanoTime() - start) / 1e9 - at);
      log.add(line);
      System.out.println("nemesis: " + line);
    }
  }

  /** A fault in place: what was done to what, and what heals it (and waits until it has). */
  private record Injected(String what, Runnable heal) {}

  private Injected inject(Step step) {
    return switch (step.fault()) {
      case PRIMARY_CRASH -> {
        PatroniCluster.Node primary = database.awaitPrimary(Duration.ofSeconds(60));
        primary.crash();
        yield new Injected(
            step.fault() + " " + primary.name(),
            () -> {
              // longer than the leader key lives, as a service manager would: the standby takes
              // over
              sleepUntilLeaderKeyExpired();
              primary.restart();
              primary.awaitSyncStandby(Duration.ofSeconds(120));
            });
      }
      case PRIMARY_FREEZE ->
          stallPrimary(step, PatroniCluster.Node::freeze, PatroniCluster.Node::thaw);
      case PRIMARY_PARTITION ->
          partitions == null
              ? skipped(step)
              : stallPrimary(step, PatroniCluster.Node::cutOff, PatroniCluster.Node::reconnect);
      case BROKER_KILL -> {
        KafkaCluster.Node broker = pick(kafka.nodes(), step);
        broker.kill();
        yield new Injected(step.fault() + " " + broker.name(), broker::restart);
      }
      case BROKER_FREEZE -> {
        KafkaCluster.Node broker = pick(kafka.nodes(), step);
        broker.freeze();
        yield new Injected(step.fault() + " " + broker.name(), broker::thaw);
      }
      case BROKER_PARTITION -> {
        if (partitions == null) {
          yield skipped(step);
        }
        KafkaCluster.Node broker = pick(kafka.nodes(), step);
        broker.cutOff();
        yield new Injected(step.fault() + " " + broker.name(), broker::reconnect);
      }
      case INSTANCE_KILL -> {
        Instance instance = pick(instances(), step);
        instance.process().kill();
        yield new Injected(step.fault() + " " + instance.name(), () -> platform.restart(instance));
      }
      case INSTANCE_FREEZE -> {
        Instance instance = pick(instances(), step);
        ProcessTrees.freeze(instance.process().handle());
        yield new Injected(
            step.fault() + " " + instance.name(),
            () -> ProcessTrees.thaw(instance.process().handle()));
      }
    };
  }

  /**
   * The primary stalled, its processes left running (frozen, or cut off the network); undone at the
   * heal, after which the cluster has a primary and a synchronous standby again.
   */
  private Injected stallPrimary(
      Step step, Consumer<PatroniCluster.Node> stall, Consumer<PatroniCluster.Node> undo) {
    PatroniCluster.Node primary = database.awaitPrimary(Duration.ofSeconds(60));
    stall.accept(primary);
    return new Injected(
        step.fault() + " " + primary.name() + " " + step.hold().toMillis() + " ms",
        () -> {
          undo.accept(primary);
          database.awaitPrimary(Duration.ofSeconds(60));
          database.awaitSyncStandby(Duration.ofSeconds(120));
        });
  }

  private static Injected skipped(Step step) {
    return new Injected(step.fault() + " skipped: " + Partitions.requirement(), () -> {});
  }

  private List<Instance> instances() {
    List<Instance> all = new ArrayList<>(platform.orderInstances);
    all.addAll(platform.inventoryInstances);
    return all;
  }

  private static <T> T pick(List<T> candidates, Step step) {
    return candidates.get(step.target() % candidates.size());
  }

  private static void sleepUntilLeaderKeyExpired() {
    try {
      Thread.sleep((PatroniCluster.TTL_SECONDS + 2) * 1_000L);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
