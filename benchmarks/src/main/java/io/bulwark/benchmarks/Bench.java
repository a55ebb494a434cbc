package io.bulwark.benchmarks;

import io.bulwark.harness.auth.Identities;
import io.bulwark.harness.auth.Tokens;
import io.bulwark.harness.net.Partitions;
import io.bulwark.harness.platform.QuietPoint;
import io.bulwark.harness.postgres.FailoverWatch;
import io.bulwark.harness.postgres.PatroniCluster;
import io.bulwark.harness.postgres.PostgresServer;
import io.bulwark.harness.process.Directories;
import io.bulwark.harness.process.ServiceJvm;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * {@code ./bulwark bench}: starts the local run on a data directory of its own, measures it, and
 * writes a report (Markdown and PNG charts) into {@code benchmarks/results/<time>/}, with its
 * summary also in {@code BENCHMARKS.md}. {@code --quick} shortens every phase (for a smoke run; its
 * figures are not for comparison). {@code --warm-up} measures the warm-up alone and writes its
 * report only, leaving {@code BENCHMARKS.md} as it is: to compare builds or JVM options ({@code
 * BULWARK_SERVICE_JVM_OPTIONS}) on how soon they reach full speed and at what cost.
 */
public final class Bench {

  static final List<String> SKUS = IntStream.range(0, 10).mapToObj(i -> "BENCH-" + i).toList();

  /** The warm-up's rate: fixed, so that runs of different builds compare. */
  static final double WARM_UP_RATE = 20;

  private final Path root;
  private final Path results;
  private final boolean quick;
  private final boolean warmUpOnly;
  private final Report report;
  private final ProcessCpu cpu = new ProcessCpu(LocalRun.SERVICES);

  private Bench(Path root, Path results, boolean quick, boolean warmUpOnly) {
    this.root = root;
    this.results = results;
    this.quick = quick;
    this.warmUpOnly = warmUpOnly;
    this.report = new Report(results, quick, warmUpOnly);
  }

  public static void main(String[] args) throws Exception {
    Path root = Path.of(System.getProperty("bulwark.root", ".")).toAbsolutePath().normalize();
    if (args.length == 3 && args[0].equals("--load")) {
      // load alone, against a local run that is already up: for profiling
      Path data = root.resolve(".bulwark");
      Tokens tokens =
          new Tokens(LocalRun.TOPOLOGY.issuer(), Identities.existingIn(data.resolve("secrets")));
      List<OpenLoad.Outcome> outcomes =
          new OpenLoad(LocalRun.GATEWAY, SKUS, tokens.of(Identities.CUSTOMER_1))
              .run(Double.parseDouble(args[1]), Duration.ofSeconds(Long.parseLong(args[2])), 0);
      say(
          Report.Step.of(
                  Double.parseDouble(args[1]),
                  Duration.ofSeconds(Long.parseLong(args[2])),
                  outcomes,
                  0)
              .line());
      return;
    }
    if (args.length == 3 && args[0].equals("--drain")) {
      // the relay drain alone, against a local run that is already up on the given primary port
      RelayDrain drain = RelayDrain.onLocalRun(Integer.parseInt(args[1]));
      int events = Integer.parseInt(args[2]);
      say("relay drained " + events + " events at " + Math.round(drain.eventsPerSecond(events)));
      return;
    }
    if (args.length >= 2 && args[0].equals("--medians")) {
      medians(root, List.of(args).subList(1, args.length));
      return;
    }
    boolean quick = List.of(args).contains("--quick");
    boolean warmUpOnly = List.of(args).contains("--warm-up");
    Path results = root.resolve("benchmarks/results").resolve(stamp());
    Files.createDirectories(results);
    new Bench(root, results, quick, warmUpOnly).run();
  }

  /**
   * {@code --medians <results directory>...}: the headline figures of several runs side by side
   * with their medians, written to {@code benchmarks/results/medians-<time>.md} and put at the head
   * of {@code BENCHMARKS.md}, above the latest run's own report.
   */
  private static void medians(Path root, List<String> directories) throws IOException {
    Map<String, Figures> runs = new LinkedHashMap<>();
    for (String directory : directories) {
      Path run = root.resolve(directory).normalize();
      runs.put(run.getFileName().toString(), Figures.read(run));
    }
    String table = Figures.medians(runs);
    Path results = root.resolve("benchmarks/results").resolve("medians-" + stamp() + ".md");
    Files.writeString(results, "# Medians of " + runs.size() + " runs\n\n" + table);
    Path summary = root.resolve("BENCHMARKS.md");
    String latest = Files.exists(summary) ? Files.readString(summary) : "# Benchmarks\n";
    String section =
        "## Medians of "
            + runs.size()
            + " runs of `./bulwark bench`\n\nEach run's headline figures (the runs' results"
            + " directories under `benchmarks/results/`) and their median; the sections after this"
            + " one are the latest run's own report.\n\n"
            + table
            + "\n";
    int firstLineEnd = latest.indexOf('\n') + 1;
    Files.writeString(
        summary,
        latest.substring(0, firstLineEnd) + "\n" + section + latest.substring(firstLineEnd));
    say("medians of " + runs.size() + " runs: " + results + " and " + summary);
  }

  /** The time a run's results are named by. */
  private static String stamp() {
    return LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
  }

  private Duration step(int seconds) {
    return Duration.ofSeconds(quick ? Math.max(3, seconds / 5) : seconds);
  }

  private void run() throws Exception {
    Path data = root.resolve(".bulwark/bench");
    Directories.delete(data);
    say("starting the local run on " + data);
    try (LocalRun run = LocalRun.start(root, data, results.resolve("local-run.log"))) {
      report.startup = run.startup;
      long up = System.nanoTime();
      ServiceJvm jvm = run.serviceJvm();
      report.serviceJvm = "Java " + jvm.featureVersion() + " " + String.join(" ", jvm.flags());
      for (var instance : LocalRun.SERVICES.entrySet()) {
        report.startSeconds.put(
            instance.getKey(), run.startSeconds(instance.getKey()).orElse(Double.NaN));
        report.rssIdle.put(
            instance.getKey(), LocalRun.rssMiB(instance.getValue()).orElse(Double.NaN));
      }
      report.patroni = run.underPatroni();
      seedStock(run);
      OpenLoad load = new OpenLoad(LocalRun.GATEWAY, SKUS, run.tokens().of(Identities.CUSTOMER_1));
      warmUp(load, up);
      if (warmUpOnly) {
        report.write(root);
        say("report: " + results.resolve("report.md"));
        return;
      }
      awaitQuiet();
      baseline(run);

      double sustained = sweep(load);
      halfSaturation(load, sustained);
      profile(load, sustained, run);
      tracingCost(load, sustained);
      if (report.patroni) {
        calm(load, Math.max(20, sustained / 2), run);
        failovers(load, Math.max(20, sustained / 2), run);
      }
      relay(run);
      for (var instance : LocalRun.SERVICES.entrySet()) {
        report.rssAfter.put(
            instance.getKey(), LocalRun.rssMiB(instance.getValue()).orElse(Double.NaN));
      }
      for (String service : List.of("order-service", "inventory-service", "gateway")) {
        LocalRun.SoloStart solo =
            run.soloStart(service, 8095, results.resolve(service + "-solo.log"));
        say(
            service
                + " alone: healthy after "
                + solo.secondsToHealthy()
                + " s, "
                + solo.rssMiB()
                + " MiB");
        report.solo.put(service, solo);
      }
    }
    report.write(root);
    say("report: " + results.resolve("report.md") + "\nsummary: " + root.resolve("BENCHMARKS.md"));
  }

  /**
   * How soon the platform runs at full speed, and the warm-up every later phase needs: from the
   * moment it is up (stock seeded), {@value #WARM_UP_RATE} orders/s in windows of 10 s, for at
   * least 5 minutes and until the last windows' POST medians are steady (within 15% of theirs), at
   * most 10 minutes. Each window's CPU is charged to its orders, so the cost of a cold platform
   * (the compilers at work) shows beside a warm one's.
   */
  private void warmUp(OpenLoad load, long up) throws InterruptedException {
    Duration window = Duration.ofSeconds(quick ? 5 : 10);
    int least = quick ? WarmUp.STEADY_WINDOWS : 30;
    int most = quick ? WarmUp.STEADY_WINDOWS : 60;
    List<WarmUp.Window> windows = new ArrayList<>();
    WarmUp warmUp = new WarmUp(WARM_UP_RATE, window.toSeconds(), windows);
    for (int i = 1; i <= most; i++) {
      ProcessCpu.Snapshot before = cpu.take();
      Report.Step step = Report.Step.of(WARM_UP_RATE, window, load.run(WARM_UP_RATE, window, 0), 0);
      Report.CpuUse used =
          new Report.CpuUse("warm-up", step.accepted(), ProcessCpu.between(before, cpu.take()));
      windows.add(
          new WarmUp.Window(
              (System.nanoTime() - up) / 1e9,
              step.post().p50(),
              step.acceptedPerSecond(),
              used.platformPerUnit()));
      warmUp = new WarmUp(WARM_UP_RATE, window.toSeconds(), windows);
      if (i % 6 == 0 || i == 1) {
        say(
            "warming up, "
                + Math.round(windows.get(windows.size() - 1).endSeconds())
                + " s: "
                + step.line());
      }
      if (i >= least && warmUp.settled(0.15)) {
        break;
      }
    }
    report.warmUp = warmUp;
    say(warmUp.line());
  }

  private void baseline(LocalRun run) throws Exception {
    int primary = run.primaryPort();
    PostgresServer.createDatabase(
        "jdbc:postgresql://127.0.0.1:" + primary + "/postgres", "pgbench");
    PgBench pgbench = new PgBench(primary);
    pgbench.initialise("pgbench", 10);
    for (int clients : List.of(8)) {
      long transactions = 0;
      Map<String, Double> used = new TreeMap<>();
      for (int i = 0; i < (quick ? 1 : 3); i++) {
        int seconds = (int) step(15).toSeconds();
        ProcessCpu.Snapshot before = cpu.take();
        double tps = pgbench.run("pgbench", clients, seconds);
        ProcessCpu.between(before, cpu.take())
            .forEach((part, ms) -> used.merge(part, ms, Double::sum));
        transactions += Math.round(tps * seconds);
        say("pgbench -N -c " + clients + ": " + Math.round(tps) + " tps");
        report.pgbenchTps.add(tps);
      }
      report.pgbenchCpu = new Report.CpuUse("pgbench -N, per transaction", transactions, used);
      say(
          "pgbench: PostgreSQL used "
              + String.format(Locale.ROOT, "%.3f", report.pgbenchCpu.perUnit("postgresql"))
              + " ms of CPU per transaction");
    }
    // the baseline leaves its tables to vacuum and its writes to checkpoint: without this the
    // sweep's first step paid for them (PostgreSQL charged 79 ms per order at 10/s there, 17 ms
    // at the same rate later in the run)
    try (Connection admin =
            DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + primary + "/postgres", "postgres", "");
        Statement sql = admin.createStatement()) {
      sql.execute("DROP DATABASE pgbench WITH (FORCE)");
      sql.execute("CHECKPOINT");
    }
  }

  /**
   * Fixed rates, rising until the platform stops keeping up and then narrowing in ({@link
   * RateSearch}); returns the highest sustained.
   */
  private double sweep(OpenLoad load) throws Exception {
    // from a rate a cold platform keeps up with, so the figure says how far it got
    RateSearch search = RateSearch.start();
    for (int i = 0; i < 14; i++) {
      OptionalDouble next = search.next();
      if (next.isEmpty()) {
        break;
      }
      double rate = next.getAsDouble();
      Report.Step step =
          measuredWithCpu("sweep " + Report.f(rate) + "/s", load, rate, step(20), 0).step();
      // kept up: every order accepted with POST p99 within 1 s, and every saga concluded within
      // 10 s of the step's end
      Probe.SagaTimes sagas = Probe.sagaTimes(step.orderIds(), Duration.ofSeconds(10));
      step = step.withSagas(sagas);
      report.steps.add(step);
      say(step.line());
      boolean keptUp =
          step.accepted() >= 0.95 * rate * step.seconds()
              && step.errorShare() < 0.01
              && sagas.notConcluded() == 0
              && step.post().p99() <= 1_000;
      search = search.after(rate, keptUp);
      awaitQuiet();
    }
    report.sustainedRate = search.keptUp();
    return search.keptUp();
  }

  /** A fixed-rate phase with the outbox backlog sampled throughout. */
  private record Measured(Report.Step step, List<OpenLoad.Outcome> outcomes) {}

  private static Measured measured(OpenLoad load, double rate, Duration duration, double replays)
      throws InterruptedException {
    try (Probe.BacklogSampler sampler = new Probe.BacklogSampler()) {
      List<OpenLoad.Outcome> outcomes = load.run(rate, duration, replays);
      return new Measured(Report.Step.of(rate, duration, outcomes, sampler.max()), outcomes);
    }
  }

  /**
   * A fixed-rate phase as {@link #measured}, with the CPU every process used over it charged to the
   * orders it acknowledged (replays included: they are work too) as {@code phase}.
   */
  private Measured measuredWithCpu(
      String phase, OpenLoad load, double rate, Duration duration, double replays)
      throws InterruptedException {
    ProcessCpu.Snapshot before = cpu.take();
    Measured measured = measured(load, rate, duration, replays);
    Map<String, Double> used = ProcessCpu.between(before, cpu.take());
    long acknowledged = measured.outcomes().stream().filter(OpenLoad.Outcome::accepted).count();
    Report.CpuUse use = new Report.CpuUse(phase, acknowledged, used);
    report.orderCpu.add(use);
    say(
        phase
            + ": "
            + String.format(Locale.ROOT, "%.2f", use.platformPerUnit())
            + " ms of CPU per order, the platform's processes together");
    return measured;
  }

  private void halfSaturation(OpenLoad load, double sustained) throws Exception {
    double rate = Math.max(10, sustained / 2);
    say("at half the sustained rate: " + rate + " orders/s, 10% replayed");
    Instant from = Instant.now();
    Measured measured =
        measuredWithCpu(
            "half the sustained rate, " + Report.f(rate) + "/s", load, rate, step(30), 0.10);
    List<OpenLoad.Outcome> outcomes = measured.outcomes();
    Report.Step step = measured.step();
    step = step.withSagas(Probe.sagaTimes(step.orderIds(), Duration.ofSeconds(30)));
    report.half = step;
    report.replay =
        Latencies.ofMillis(
            outcomes.stream()
                .filter(o -> o.replay() && o.accepted())
                .map(OpenLoad.Outcome::latencyMillis)
                .toList());
    report.replayKinds =
        outcomes.stream()
            .filter(OpenLoad.Outcome::replay)
            .collect(
                Collectors.groupingBy(OpenLoad.Outcome::kind, TreeMap::new, Collectors.counting()));
    report.relayLagOrders = Latencies.ofMillis(Probe.relayLagMillis(LocalRun.ORDERS_DB, from));
    report.relayLagInventory =
        Latencies.ofMillis(Probe.relayLagMillis(LocalRun.INVENTORY_DB, from));
    say(step.line());
    awaitQuiet();
  }

  /**
   * Where the CPU goes: the load at half the sustained rate again, with a JFR recording in one
   * instance of each service and in the gateway; a phase of its own, since the recording costs a
   * little.
   */
  private void profile(OpenLoad load, double sustained, LocalRun run) throws Exception {
    double rate = Math.max(10, sustained / 2);
    Map<String, Long> processes = new TreeMap<>(cpu.instances());
    processes.keySet().retainAll(List.of("order-service-1", "inventory-service-1", "gateway"));
    say("profiling " + processes.keySet() + " at " + rate + " orders/s");
    Profiles profiles = new Profiles(run.serviceJvm()::tool, results.resolve("profiles"));
    profiles.start(processes);
    load.run(rate, step(30), 0);
    for (Profiles.Profile profile : profiles.stop(processes)) {
      report.profiles.add(profile);
      say(
          profile.instance()
              + ": "
              + profile.samples()
              + " samples; "
              + Report.hottest(profile, 3));
    }
    awaitQuiet();
  }

  /**
   * What tracing costs: the same load with every order's trace sampled (the platform's default,
   * each span recorded and exported to the local run's Zipkin, which runs on this machine too) and
   * with none sampled (the context still carried, nothing recorded), in windows that alternate
   * which comes first, so the machine's drift weighs on both alike. Latency at half the sustained
   * rate; throughput as what a closed loop of 8 clients gets acknowledged.
   */
  private void tracingCost(OpenLoad sampled, double sustained) throws Exception {
    double rate = Math.max(10, sustained / 2);
    int rounds = quick ? 1 : 3;
    int clients = 8;
    Duration window = step(20);
    OpenLoad unsampled = sampled.unsampled();
    List<Report.Step> on = new ArrayList<>();
    List<Report.Step> off = new ArrayList<>();
    for (int i = 0; i < 2 * rounds; i++) {
      boolean traced = sampledIn(i);
      Report.Step step = measured(traced ? sampled : unsampled, rate, window, 0).step();
      step = step.withSagas(Probe.sagaTimes(step.orderIds(), Duration.ofSeconds(30)));
      (traced ? on : off).add(step);
      say("tracing " + (traced ? "sampled" : "unsampled") + ": " + step.line());
      awaitQuiet();
    }
    List<Double> onRate = new ArrayList<>();
    List<Double> offRate = new ArrayList<>();
    for (int i = 0; i < 2 * rounds; i++) {
      boolean traced = sampledIn(i);
      List<OpenLoad.Outcome> outcomes = (traced ? sampled : unsampled).closedLoop(clients, window);
      double perSecond =
          outcomes.stream().filter(OpenLoad.Outcome::accepted).count()
              / (double) window.toSeconds();
      (traced ? onRate : offRate).add(perSecond);
      say(
          "tracing "
              + (traced ? "sampled" : "unsampled")
              + ", closed loop of "
              + clients
              + ": "
              + Math.round(perSecond)
              + " orders/s acknowledged");
      awaitQuiet();
    }
    report.tracing =
        new Report.TracingCost(rate, on, off, clients, window.toSeconds(), onRate, offRate);
  }

  /**
   * Whether the window is sampled: on, off, off, on, on, off, each mode as often first as second.
   */
  private static boolean sampledIn(int window) {
    return window % 4 == 0 || window % 4 == 3;
  }

  /**
   * Ten minutes of load with no fault (one with {@code --quick}), the pair's timeline sampled once
   * a second: the leader key's short life must not buy a fast failover with spurious ones.
   */
  private void calm(OpenLoad load, double rate, LocalRun run) throws Exception {
    Duration duration = quick ? Duration.ofMinutes(1) : Duration.ofMinutes(10);
    say("calm: " + rate + " orders/s for " + duration.toMinutes() + " min, no fault");
    PatroniCluster cluster = run.patroni();
    List<Integer> timelines = new java.util.concurrent.CopyOnWriteArrayList<>();
    CompletableFuture<List<OpenLoad.Outcome>> loading = inBackground(load, rate, duration);
    while (!loading.isDone()) {
      timelines.add(
          cluster.nodes().stream().mapToInt(PatroniCluster.Node::timeline).max().orElse(-1));
      Thread.sleep(1_000);
    }
    long accepted = loading.get().stream().filter(OpenLoad.Outcome::accepted).count();
    report.calm =
        new Report.Calm(duration.toSeconds() / 60.0, rate, accepted, List.copyOf(timelines));
    say("calm: " + report.calm.promotions() + " promotions, " + accepted + " acknowledged");
    awaitQuiet();
  }

  /**
   * The primary lost under load, each time once a synchronous standby is back: killed (postmaster
   * and agent, {@code ./bulwark kill-primary}), then cut off the network for 15 s where this
   * machine can drop its packets. Each loss is watched, so its outage splits into the leader key's
   * expiry, the promotion and the first acknowledged write.
   */
  private void failovers(OpenLoad load, double rate, LocalRun run) throws Exception {
    report.failovers.add(
        failover(
            load,
            rate,
            run,
            "crash",
            new PrimaryLoss() {
              @Override
              public void inflict(PatroniCluster.Node primary) throws Exception {
                run.killPrimary();
              }

              @Override
              public void heal(PatroniCluster.Node primary) throws InterruptedException {
                // the local run restarts the dead agent 15 s later; it rejoins as the standby
                Thread.sleep(30_000);
              }
            }));
    if (run.canPartition()) {
      report.failovers.add(
          failover(
              load,
              rate,
              run,
              "partition",
              new PrimaryLoss() {
                @Override
                public void inflict(PatroniCluster.Node primary) {
                  primary.cutOff();
                }

                @Override
                public void heal(PatroniCluster.Node primary) throws InterruptedException {
                  Thread.sleep(15_000);
                  primary.reconnect();
                  Thread.sleep(15_000);
                }
              }));
    } else {
      say("failover: no partition measured: " + Partitions.requirement());
    }
  }

  /** The load at a fixed rate for the duration, on another thread. */
  private static CompletableFuture<List<OpenLoad.Outcome>> inBackground(
      OpenLoad load, double rate, Duration duration) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return load.run(rate, duration, 0);
          } catch (InterruptedException e) {
            throw new IllegalStateException(e);
          }
        });
  }

  /** A way of losing the primary, and of ending the loss. */
  private interface PrimaryLoss {
    /** Returns as soon as the primary is lost. */
    void inflict(PatroniCluster.Node primary) throws Exception;

    /** Returns once the platform may be left to recover. */
    void heal(PatroniCluster.Node primary) throws InterruptedException;
  }

  private Report.Failover failover(
      OpenLoad load, double rate, LocalRun run, String fault, PrimaryLoss loss) throws Exception {
    int count = quick ? 1 : 3;
    // a quick run still loses the primary once: after the previous phase's fault the old primary
    // may take a while to rejoin as the standby, and the load must outlast the fault by 40 s
    Duration duration = Duration.ofSeconds(quick ? 90 : 200);
    say("failover: " + rate + " orders/s for " + duration.toSeconds() + " s, primary " + fault);
    PatroniCluster cluster = run.patroni();
    List<Report.Fault> faults = new ArrayList<>();
    long start = System.nanoTime();
    CompletableFuture<List<OpenLoad.Outcome>> loading = inBackground(load, rate, duration);
    Thread.sleep(10_000);
    for (int k = 0; k < count; k++) {
      cluster.awaitSyncStandby(Duration.ofSeconds(90));
      if (System.nanoTime() - start > duration.toNanos() - Duration.ofSeconds(40).toNanos()) {
        break;
      }
      PatroniCluster.Node primary = cluster.awaitPrimary(Duration.ofSeconds(30));
      FailoverWatch watch = cluster.watchFailover(primary);
      loss.inflict(primary);
      // taken once the kill has returned or the rules are in: no write sent after it can reach
      // the old primary
      faults.add(new Report.Fault(System.nanoTime(), watch));
      say("primary " + primary.name() + ": " + fault);
      loss.heal(primary);
    }
    Report.Failover failover = Report.Failover.of(fault, rate, start, loading.get(), faults);
    say(failover.line());
    awaitQuiet();
    return failover;
  }

  private void relay(LocalRun run) throws Exception {
    int events = quick ? 5_000 : 20_000;
    RelayDrain drain = RelayDrain.onLocalRun(run.primaryPort());
    // the relay runs in this JVM, where its code has not run before: one drain unmeasured, or the
    // first repetition measures its warm-up (4069 and 3507 events/s against 6306 and 6142 for the
    // third, in two runs)
    drain.eventsPerSecond(events / 4);
    for (int i = 0; i < (quick ? 1 : 3); i++) {
      double rate = drain.eventsPerSecond(events);
      say("relay drained " + events + " events at " + Math.round(rate) + " events/s");
      report.relayRates.add(rate);
    }
  }

  private void seedStock(LocalRun run) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    for (String sku : SKUS) {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(URI.create(LocalRun.GATEWAY + "/api/inventory/" + sku))
                  .header("Content-Type", "application/json")
                  .header("Authorization", "Bearer " + run.tokens().forUser(Identities.OPERATOR))
                  .PUT(HttpRequest.BodyPublishers.ofString("{\"available\": 1000000000}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException("cannot stock " + sku + ": " + response.body());
      }
    }
  }

  /**
   * Lets the platform reach a quiet point between phases (the harness's definition: no saga
   * running, both outboxes drained), so one phase's backlog does not weigh on the next. A phase
   * that ends saturated may take longer than a minute to settle; the next phase then starts anyway.
   */
  private static void awaitQuiet() throws InterruptedException {
    new QuietPoint(LocalRun.ORDERS_DB, LocalRun.INVENTORY_DB)
        .reachedWithin(Duration.ofSeconds(60), Duration.ofMillis(250));
    Thread.sleep(1_000);
  }

  static void say(String line) {
    System.out.println(
        "[bench "
            + LocalDateTime.now().format(DateTimeFormatter.ofPattern("HH:mm:ss"))
            + "] "
            + line);
  }
}
