package io.bulwark.benchmarks;

import io.bulwark.harness.platform.WriteOutage;
import io.bulwark.harness.postgres.FailoverWatch;
import io.bulwark.harness.postgres.PatroniCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/** What a benchmark run measured, written as Markdown with charts. */
final class Report {

  /** One fixed-rate phase: first POSTs only (replays are counted apart). */
  record Step(
      double offered,
      long seconds,
      long accepted,
      Map<String, Long> kinds,
      Latencies post,
      long maxBacklog,
      List<String> orderIds,
      Latencies saga,
      long sagasNotConcluded) {

    static Step of(
        double offered, Duration duration, List<OpenLoad.Outcome> outcomes, long backlog) {
      List<OpenLoad.Outcome> first = outcomes.stream().filter(o -> !o.replay()).toList();
      List<String> ids =
          first.stream().filter(OpenLoad.Outcome::accepted).map(OpenLoad.Outcome::orderId).toList();
      return new Step(
          offered,
          duration.toSeconds(),
          ids.size(),
          first.stream()
              .collect(
                  Collectors.groupingBy(
                      OpenLoad.Outcome::kind, TreeMap::new, Collectors.counting())),
          Latencies.ofMillis(
              first.stream()
                  .filter(OpenLoad.Outcome::accepted)
                  .map(OpenLoad.Outcome::latencyMillis)
                  .toList()),
          backlog,
          ids,
          Latencies.NONE,
          0);
    }

    Step withSagas(Probe.SagaTimes sagas) {
      return new Step(
          offered,
          seconds,
          accepted,
          kinds,
          post,
          maxBacklog,
          orderIds,
          Latencies.ofMillis(sagas.confirmedMillis()),
          sagas.notConcluded());
    }

    double acceptedPerSecond() {
      return accepted / (double) seconds;
    }

    double errorShare() {
      long all = kinds.values().stream().mapToLong(Long::longValue).sum();
      return all == 0 ? 0 : (all - accepted) / (double) all;
    }

    String errors() {
      return kinds.entrySet().stream()
          .filter(e -> !e.getKey().equals("201"))
          .map(e -> e.getKey() + ": " + e.getValue())
          .collect(Collectors.joining(", "));
    }

    String line() {
      return String.format(
          Locale.ROOT,
          "offered %.0f/s: accepted %.1f/s, POST p50 %.1f p99 %.1f max %.1f ms, saga p50 %.1f p99"
              + " %.1f ms, not concluded %d, max backlog %d, errors [%s]",
          offered,
          acceptedPerSecond(),
          post.p50(),
          post.p99(),
          post.max(),
          saga == null ? Double.NaN : saga.p50(),
          saga == null ? Double.NaN : saga.p99(),
          sagasNotConcluded,
          maxBacklog,
          errors());
    }
  }

  /**
   * The CPU each part of the platform used over a steady phase, and the work done in it (orders
   * acknowledged, or pgbench's transactions): what one unit of work cost each process.
   */
  record CpuUse(String phase, long work, Map<String, Double> millis) {

    /** Milliseconds of CPU per unit of work of one part: 0 when it used none, NaN without work. */
    double perUnit(String part) {
      return work == 0 ? Double.NaN : millis.getOrDefault(part, 0.0) / work;
    }

    /** Of every part of the platform together (the load and the machine's others apart). */
    double platformPerUnit() {
      double sum =
          millis.entrySet().stream()
              .filter(e -> ProcessCpu.platform(e.getKey()))
              .mapToDouble(Map.Entry::getValue)
              .sum();
      return work == 0 ? Double.NaN : sum / work;
    }
  }

  /**
   * A stretch of steady load with no fault, watching the Patroni pair once a second: a leader key
   * short enough for a fast failover must not expire on its own while a loaded machine pauses.
   */
  record Calm(double minutes, double rate, long accepted, List<Integer> timelines) {

    /**
     * Promotions seen: how far the timeline rose between the first and the last answer. Each
     * promotion starts a new timeline, so a failover and back counts twice; a sample where no node
     * answered (-1) is skipped.
     */
    int promotions() {
      return last() - first();
    }

    /** The first timeline a node answered with, -1 if none ever did. */
    int first() {
      return timelines.stream().filter(t -> t >= 0).findFirst().orElse(-1);
    }

    /** The last timeline a node answered with, -1 if none ever did. */
    int last() {
      return timelines.stream().filter(t -> t >= 0).reduce((a, b) -> b).orElse(-1);
    }
  }

  /**
   * Tracing's cost: windows of the same load with every order's trace sampled and with none
   * sampled, taken in alternation; latency at a fixed rate, throughput from a closed loop.
   */
  record TracingCost(
      double rate,
      List<Step> sampled,
      List<Step> unsampled,
      int clients,
      long closedSeconds,
      List<Double> sampledThroughput,
      List<Double> unsampledThroughput) {

    double median(List<Step> windows, java.util.function.ToDoubleFunction<Step> figure) {
      return Report.median(windows.stream().map(figure::applyAsDouble).toList());
    }

    static String change(double traced, double untraced) {
      return String.format(Locale.ROOT, "%+.0f%%", (traced / untraced - 1) * 100);
    }
  }

  /** A primary lost under load, and the watch on the failover that followed. */
  record Fault(long nanos, FailoverWatch watch) {}

  /**
   * Primary losses of one kind (a crash, a partition) under load: the write outage of each, split
   * into its parts, and the latency over time.
   */
  record Failover(
      String fault,
      double rate,
      List<Double> faultSeconds,
      List<Double> outages,
      List<FailoverWatch.Breakdown> breakdowns,
      long accepted,
      long missing,
      Map<String, Long> kinds,
      Map<String, List<double[]>> timeline) {

    static Failover of(
        String fault, double rate, long start, List<OpenLoad.Outcome> outcomes, List<Fault> faults)
        throws Exception {
      List<Double> faultSeconds = faults.stream().map(f -> (f.nanos() - start) / 1e9).toList();
      List<Double> outages = new ArrayList<>();
      List<FailoverWatch.Breakdown> breakdowns = new ArrayList<>();
      for (Fault f : faults) {
        var outage = outage(f.nanos(), outcomes);
        if (outage.isPresent()) {
          outages.add(outage.get());
          breakdowns.add(breakdown(f, outage.get()));
        }
        f.watch().close();
      }
      List<String> ids =
          outcomes.stream()
              .filter(OpenLoad.Outcome::accepted)
              .map(OpenLoad.Outcome::orderId)
              .toList();
      return new Failover(
          fault,
          rate,
          faultSeconds,
          outages,
          breakdowns,
          ids.size(),
          missing(ids),
          outcomes.stream()
              .collect(
                  Collectors.groupingBy(
                      OpenLoad.Outcome::kind, TreeMap::new, Collectors.counting())),
          timeline(start, outcomes));
    }

    /** The failover's parts; a watch that saw no promotion leaves them unknown. */
    private static FailoverWatch.Breakdown breakdown(Fault fault, double outage)
        throws InterruptedException {
      try {
        return fault.watch().breakdown(fault.nanos(), outage, Duration.ofSeconds(30));
      } catch (IllegalStateException e) {
        return new FailoverWatch.Breakdown(Double.NaN, Double.NaN, outage);
      }
    }

    /** The median of each part over this kind's faults. */
    FailoverWatch.Breakdown medianBreakdown() {
      return new FailoverWatch.Breakdown(
          median(breakdowns.stream().map(FailoverWatch.Breakdown::detected).toList()),
          median(breakdowns.stream().map(FailoverWatch.Breakdown::promoted).toList()),
          median(breakdowns.stream().map(FailoverWatch.Breakdown::firstWrite).toList()));
    }

    String chart() {
      return "failover-" + fault + ".png";
    }

    /**
     * Seconds from the fault to the first acknowledged write that was sent after it: no write sent
     * after the fault can have reached the old primary, so this one found the new.
     */
    static java.util.Optional<Double> outage(long kill, List<OpenLoad.Outcome> outcomes) {
      var outage =
          WriteOutage.after(
              kill,
              outcomes.stream()
                  .filter(OpenLoad.Outcome::accepted)
                  .map(o -> new WriteOutage.Write(o.sentNanos(), o.doneNanos()))
                  .toList());
      return outage.isPresent()
          ? java.util.Optional.of(outage.getAsDouble())
          : java.util.Optional.empty();
    }

    /** Acknowledged orders that the database does not have (after the failovers). */
    private static long missing(List<String> ids) throws Exception {
      try (Connection orders = DriverManager.getConnection(LocalRun.ORDERS_DB, "postgres", "");
          PreparedStatement count =
              orders.prepareStatement("SELECT count(*) FROM orders WHERE id = ANY(?)")) {
        Array array = orders.createArrayOf("uuid", ids.stream().map(UUID::fromString).toArray());
        count.setArray(1, array);
        try (ResultSet rows = count.executeQuery()) {
          rows.next();
          return ids.size() - rows.getLong(1);
        }
      }
    }

    private static Map<String, List<double[]>> timeline(
        long start, List<OpenLoad.Outcome> outcomes) {
      Map<Long, List<Double>> bySecond = new TreeMap<>();
      for (OpenLoad.Outcome o : outcomes) {
        if (o.accepted()) {
          bySecond
              .computeIfAbsent((o.dueNanos() - start) / 1_000_000_000L, s -> new ArrayList<>())
              .add(o.latencyMillis());
        }
      }
      Map<String, List<double[]>> series = new LinkedHashMap<>();
      series.put("p50", new ArrayList<>());
      series.put("p99", new ArrayList<>());
      bySecond.forEach(
          (second, millis) -> {
            Latencies l = Latencies.ofMillis(millis);
            series.get("p50").add(new double[] {second, l.p50()});
            series.get("p99").add(new double[] {second, l.p99()});
          });
      return series;
    }

    String line() {
      return String.format(
          Locale.ROOT,
          "primary %s at %.0f/s: faults at %s s, write outages %s s (%s), %d acknowledged,"
              + " %d missing",
          fault,
          rate,
          round(faultSeconds),
          round(outages),
          breakdowns,
          accepted,
          missing);
    }
  }

  final Path results;
  final boolean quick;

  /** Some phases alone: the report is written, BENCHMARKS.md is left as it is. */
  final boolean partial;

  Duration startup = Duration.ZERO;
  boolean patroni;

  /** The services' Java and flags, as the local run starts them. */
  String serviceJvm = "";

  final Map<String, Double> startSeconds = new LinkedHashMap<>();
  final Map<String, Double> rssIdle = new LinkedHashMap<>();
  final Map<String, Double> rssAfter = new LinkedHashMap<>();
  final List<Double> pgbenchTps = new ArrayList<>();
  final List<Step> steps = new ArrayList<>();
  double sustainedRate;
  @Nullable Step half;
  Latencies replay = Latencies.NONE;
  Map<String, Long> replayKinds = Map.of();
  Latencies relayLagOrders = Latencies.NONE;
  Latencies relayLagInventory = Latencies.NONE;
  final List<Failover> failovers = new ArrayList<>();
  @Nullable Calm calm;
  final List<Double> relayRates = new ArrayList<>();
  @Nullable TracingCost tracing;
  @Nullable WarmUp warmUp;
  final Map<String, LocalRun.SoloStart> solo = new LinkedHashMap<>();

  /** CPU by process over pgbench's runs (per transaction) and the steady order phases. */
  @Nullable CpuUse pgbenchCpu;

  final List<CpuUse> orderCpu = new ArrayList<>();

  /** JFR profiles of one instance of each service and the gateway, under the same load. */
  final List<Profiles.Profile> profiles = new ArrayList<>();

  Report(Path results, boolean quick, boolean partial) {
    this.results = results;
    this.quick = quick;
    this.partial = partial;
  }

  static double median(List<Double> values) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    List<Double> sorted = values.stream().sorted().toList();
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  private static String round(List<Double> values) {
    return values.stream().map(v -> String.format(Locale.ROOT, "%.1f", v)).toList().toString();
  }

  static String f(double value) {
    return Double.isNaN(value) ? "–" : String.format(Locale.ROOT, "%.1f", value);
  }

  void write(Path root) throws IOException {
    if (!steps.isEmpty()) {
      Charts.throughput(
          results.resolve("throughput.png"),
          steps.stream()
              .sorted(Comparator.comparingDouble(Step::offered))
              .map(s -> new double[] {s.offered(), s.acceptedPerSecond()})
              .toList());
    }
    for (Failover failover : failovers) {
      Charts.latencyOverTime(
          results.resolve(failover.chart()),
          "POST latency per second under load, primary lost "
              + failover.faultSeconds().size()
              + " times by "
              + failover.fault(),
          failover.timeline(),
          failover.faultSeconds(),
          "primary " + (failover.fault().equals("crash") ? "killed" : "cut off"));
    }
    if (!orderCpu.isEmpty()) {
      Charts.cpuPerOrder(results.resolve("cpu-per-order.png"), orderCpu);
    }
    if (warmUp != null) {
      Map<String, List<double[]>> series = new LinkedHashMap<>();
      series.put(
          "POST p50 (ms)",
          warmUp.windows().stream().map(w -> new double[] {w.endSeconds(), w.postP50()}).toList());
      series.put(
          "CPU per order, the platform (ms)",
          warmUp.windows().stream()
              .map(w -> new double[] {w.endSeconds(), w.cpuPerOrder()})
              .toList());
      double warm = warmUp.warmSeconds();
      Charts.overTime(
          results.resolve("warm-up.png"),
          "From \"Bulwark is up\": " + f(warmUp.rate()) + " orders/s, each window's figures",
          "milliseconds (log scale)",
          series,
          Double.isNaN(warm) ? List.of() : List.of(warm),
          "warm");
    }
    Figures.of(this).write(results);
    String summary = summary();
    if (partial) {
      Files.writeString(results.resolve("report.md"), summary);
      return;
    }
    String relative = root.relativize(results).toString();
    StringBuilder full = new StringBuilder(summary);
    full.append("\n## Rate steps\n\n")
        .append(
            "| offered/s | accepted/s | POST p50 | p95 | p99 | max (ms) | saga p50 | p99 (ms) |")
        .append(" not concluded | max outbox backlog | errors |\n")
        .append("|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (Step s : steps) {
      full.append(
          String.format(
              Locale.ROOT,
              "| %.0f | %.1f | %s | %s | %s | %s | %s | %s | %d | %d | %s |%n",
              s.offered(),
              s.acceptedPerSecond(),
              f(s.post().p50()),
              f(s.post().p95()),
              f(s.post().p99()),
              f(s.post().max()),
              f(s.saga().p50()),
              f(s.saga().p99()),
              s.sagasNotConcluded(),
              s.maxBacklog(),
              s.errors().isEmpty() ? "none" : s.errors()));
    }
    profileSection(full);
    full.append("\n![throughput](throughput.png)\n");
    for (Failover failover : failovers) {
      full.append("\n![primary ").append(failover.fault()).append("](").append(failover.chart());
      full.append(")\n");
    }
    Files.writeString(results.resolve("report.md"), full.toString());
    Files.writeString(
        root.resolve("BENCHMARKS.md"),
        summary.replaceAll("\\]\\(([\\w.-]+\\.png)\\)", "](" + relative + "/$1)")
            + "\nThe full report of this run, with every rate step: ["
            + relative
            + "/report.md]("
            + relative
            + "/report.md).\n");
  }

  private String summary() throws IOException {
    double pgbench = median(pgbenchTps);
    double relay = median(relayRates);
    double ratio = sustainedRate / pgbench;
    StringBuilder md = new StringBuilder();
    md.append("# Benchmarks\n\n");
    if (quick) {
      md.append("> A `--quick` run: phases cut short, figures not for comparison.\n\n");
    }
    if (partial) {
      md.append("> The warm-up alone (`--warm-up`): the other phases were not run.\n\n");
    }
    md.append("Produced by `./bulwark bench` on ")
        .append(machine())
        .append("; the services run on ")
        .append(serviceJvm)
        .append(". The load generator, the services, PostgreSQL (a Patroni pair: primary and")
        .append(" synchronous standby), Kafka and the gateway all share this machine, so every")
        .append(" figure competes with the others for the same cores. Figures are from one run;")
        .append(" pgbench and the relay drain are medians of their repetitions. The measured")
        .append(" phases follow the warm-up (from the moment the platform is up, ")
        .append(warmUp == null ? "–" : f(warmUp.rate()))
        .append(" orders/s until the POST median settles), then pgbench.\n\n");
    md.append("| measure | result | target | |\n|---|---|---|---|\n");
    if (partial) {
      warmUpRow(md);
      md.append(
          "\n![POST p50 and CPU per order from the moment the platform is up](warm-up.png)\n");
      return md.toString();
    }
    md.append(
        row(
            "pgbench -N TPS (same PostgreSQL, fsync on, 8 clients, median of "
                + pgbenchTps.size()
                + ")",
            f(pgbench),
            "baseline",
            ""));
    warmUpRow(md);
    md.append(
        row(
            "sustained orders/s (all accepted, POST p99 ≤ 1 s, every saga concluded within 10 s)",
            f(sustainedRate) + " = " + String.format(Locale.ROOT, "%.2f", ratio) + " × pgbench",
            "≥ 0.33 × pgbench (≈ 3 commits per saga)",
            ratio >= 1 / 3.0 ? "met" : "not met"));
    if (half != null) {
      md.append(
          row(
              "POST p50 / p95 / p99 at half that rate (" + f(half.offered()) + "/s)",
              f(half.post().p50())
                  + " / "
                  + f(half.post().p95())
                  + " / "
                  + f(half.post().p99())
                  + " ms",
              "p99 ≤ 20 ms",
              half.post().p99() <= 20 ? "met" : "not met"));
      md.append(
          row(
              "saga completion p50 / p99 (order commit → CONFIRMED commit)",
              f(half.saga().p50()) + " / " + f(half.saga().p99()) + " ms",
              "p99 ≤ 100 ms",
              half.saga().p99() <= 100 ? "met" : "not met"));
      md.append(
          row(
              "idempotent replay p50 vs first POST p50",
              f(replay.p50())
                  + " vs "
                  + f(half.post().p50())
                  + " ms ("
                  + replay.count()
                  + " replays, "
                  + replayKinds
                  + ")",
              "≤ 0.5 ×",
              replay.p50() <= 0.5 * half.post().p50() ? "met" : "not met"));
      md.append(
          row(
              "relay lag p50 / p99 (outbox commit → published), orders / inventory",
              f(relayLagOrders.p50())
                  + " / "
                  + f(relayLagOrders.p99())
                  + " ms; "
                  + f(relayLagInventory.p50())
                  + " / "
                  + f(relayLagInventory.p99())
                  + " ms",
              "",
              ""));
      md.append(row("max outbox backlog at that rate", String.valueOf(half.maxBacklog()), "", ""));
    }
    if (tracing != null) {
      tracingRows(md, tracing);
    }
    for (Profiles.Profile profile : profiles) {
      md.append(
          row(
              profile.instance()
                  + ": where its CPU samples ended, the top three (JFR, flame graph"
                  + " in the report)",
              hottest(profile, 3),
              "",
              ""));
    }
    CpuUse atHalf = atHalfRate();
    if (atHalf != null) {
      md.append(
          row(
              "CPU per order, every process of the platform together, at half the sustained rate"
                  + " (pgbench: PostgreSQL's CPU per transaction)",
              f(atHalf.platformPerUnit())
                  + " ms"
                  + (pgbenchCpu == null
                      ? ""
                      : " (pgbench: " + f3(pgbenchCpu.perUnit("postgresql")) + " ms)"),
              "",
              ""));
    }
    md.append(
        row(
            "relay alone: drain of a pre-filled outbox (median of " + relayRates.size() + ")",
            f(relay) + " events/s",
            "≥ 5,000 events/s",
            relay >= 5000 ? "met" : "not met"));
    if (calm != null) {
      md.append(
          row(
              "failovers during "
                  + f(calm.minutes())
                  + " min of load at "
                  + f(calm.rate())
                  + " orders/s with no fault (leader key "
                  + PatroniCluster.TTL_SECONDS
                  + " s, fsync on)",
              calm.promotions()
                  + " (timeline "
                  + calm.first()
                  + " → "
                  + calm.last()
                  + "); "
                  + calm.accepted()
                  + " acknowledged",
              "0",
              calm.promotions() == 0 ? "met" : "not met"));
    }
    for (Failover failover : failovers) {
      FailoverWatch.Breakdown parts = failover.medianBreakdown();
      md.append(
          row(
              "write outage per primary "
                  + failover.fault()
                  + " (Patroni, fsync on) at "
                  + f(failover.rate())
                  + " orders/s; median parts: leader key gone / new primary / first write",
              round(failover.outages())
                  + " s; "
                  + f(parts.detected())
                  + " / "
                  + f(parts.promoted())
                  + " / "
                  + f(parts.firstWrite())
                  + " s; "
                  + failover.accepted()
                  + " acknowledged, "
                  + failover.missing()
                  + " missing",
              "≤ 5 s, 0 missing",
              !failover.outages().isEmpty()
                      && failover.outages().stream().allMatch(o -> o <= 5)
                      && failover.missing() == 0
                  ? "met"
                  : "not met"));
    }
    if (!patroni) {
      md.append(row("write outage per primary loss", "not measured: no Patroni here", "≤ 5 s", ""));
    }
    for (var entry : solo.entrySet()) {
      LocalRun.SoloStart start = entry.getValue();
      double peak =
          rssAfter.entrySet().stream()
              .filter(e -> e.getKey().startsWith(entry.getKey()))
              .mapToDouble(Map.Entry::getValue)
              .max()
              .orElse(Double.NaN);
      md.append(
          row(
              entry.getKey()
                  + ": start alone to healthy (Spring's figure) / RSS once up / RSS of the local"
                  + " run's instances after the load",
              f(start.secondsToHealthy())
                  + " s ("
                  + f(start.springSeconds())
                  + " s) / "
                  + f(start.rssMiB())
                  + " MiB / "
                  + f(peak)
                  + " MiB",
              "< 5 s, < 300 MB (286 MiB)",
              start.secondsToHealthy() < 5 && Math.max(start.rssMiB(), peak) < 286.1
                  ? "met"
                  : "not met"));
    }
    for (String instance : startSeconds.keySet()) {
      md.append(
          row(
              instance
                  + " in the local run: Spring's start figure (all starting at once) / RSS idle",
              f(startSeconds.getOrDefault(instance, Double.NaN))
                  + " s / "
                  + f(rssIdle.getOrDefault(instance, Double.NaN))
                  + " MiB",
              "",
              ""));
    }
    md.append(
        row(
            "local run: start to gateway UP (PostgreSQL, Kafka, 5 JVMs)",
            f(startup.toMillis() / 1000.0) + " s",
            "",
            ""));
    cpuSection(md);
    if (warmUp != null) {
      md.append(
          "\n![POST p50 and CPU per order from the moment the platform is up](warm-up.png)\n");
    }
    md.append("\n![throughput against offered rate](throughput.png)\n");
    for (Failover failover : failovers) {
      md.append("\n![POST latency over time with the primary lost by ")
          .append(failover.fault())
          .append("](")
          .append(failover.chart())
          .append(")\n\nRequests during the ")
          .append(failover.fault())
          .append(" run, by outcome: ")
          .append(failover.kinds())
          .append("\n");
    }
    return md.toString();
  }

  private void warmUpRow(StringBuilder md) {
    WarmUp measured = warmUp;
    if (measured == null) {
      return;
    }
    double warm = measured.warmSeconds();
    md.append(
        row(
            "warm-up: from \"Bulwark is up\" until POST p50 stays within "
                + WarmUp.WITHIN_PERCENT
                + "% of its steady value, at "
                + f(measured.rate())
                + " orders/s (windows of "
                + f(measured.windowSeconds())
                + " s); CPU per order in the first minute vs steady",
            f(warm)
                + " s (steady p50 "
                + f(measured.steadyP50())
                + " ms); "
                + f(measured.cpuPerOrderWithin(60))
                + " vs "
                + f(measured.steadyCpuPerOrder())
                + " ms",
            "< 60 s",
            warm < 60 ? "met" : "not met"));
  }

  @Nullable CpuUse atHalfRate() {
    return orderCpu.stream().filter(c -> c.phase().startsWith("half")).findFirst().orElse(null);
  }

  /**
   * CPU per order by process: at half the sustained rate, at the highest rate sustained, and
   * pgbench's per transaction beside them; the chart stacks every steady phase.
   */
  private void cpuSection(StringBuilder md) {
    if (orderCpu.isEmpty()) {
      return;
    }
    List<CpuUse> columns = new ArrayList<>();
    CpuUse atHalf = atHalfRate();
    if (atHalf != null) {
      columns.add(atHalf);
    }
    orderCpu.stream()
        .filter(c -> c.phase().equals("sweep " + f(sustainedRate) + "/s"))
        .findFirst()
        .ifPresent(columns::add);
    if (pgbenchCpu != null) {
      columns.add(pgbenchCpu);
    }
    List<String> parts = new ArrayList<>();
    columns.forEach(
        c -> c.millis().keySet().stream().filter(p -> !parts.contains(p)).forEach(parts::add));
    md.append("\n## CPU per order, by process\n\n")
        .append("Milliseconds of CPU (user and system, from /proc, reaped children included) each")
        .append(" process used per order acknowledged in a steady phase, and PostgreSQL's per")
        .append(" pgbench transaction in the baseline. The load generator and the machine's other")
        .append(" processes are shown apart and left out of the total.\n\n| process |");
    columns.forEach(c -> md.append(' ').append(c.phase()).append(" |"));
    md.append("\n|---|").append("---|".repeat(columns.size())).append('\n');
    for (String part : parts) {
      md.append("| ").append(part).append(" |");
      columns.forEach(c -> md.append(' ').append(f3(c.perUnit(part))).append(" |"));
      md.append('\n');
    }
    md.append("| **the platform, in all** |");
    columns.forEach(c -> md.append(" **").append(f3(c.platformPerUnit())).append("** |"));
    md.append('\n');
    md.append("| work done |");
    columns.forEach(c -> md.append(' ').append(c.work()).append(" |"));
    md.append("\n\n![CPU per order by process, each steady phase](cpu-per-order.png)\n");
  }

  /** The methods running in the most samples, at most {@code count}, as {@code method 12.3%}. */
  static String hottest(Profiles.Profile profile, int count) {
    return profile.running().isEmpty()
        ? "no samples"
        : profile.running().stream()
            .limit(count)
            .map(Report::share)
            .collect(Collectors.joining(", "));
  }

  private static String share(Map.Entry<String, Double> frame) {
    return String.format(Locale.ROOT, "`%s` %.1f%%", frame.getKey(), 100 * frame.getValue());
  }

  /** Each profile: its hottest methods, the platform's own frames, its flame graph. */
  private void profileSection(StringBuilder md) {
    if (profiles.isEmpty()) {
      return;
    }
    md.append("\n## Profiles at half the sustained rate\n\n")
        .append("JFR's `profile` settings (a stack sample of each running thread every 10 ms) in")
        .append(" one instance of each service and the gateway, under the same load as the phase")
        .append(" at half the sustained rate; read with the services' JDK's `jfr`.\n");
    for (Profiles.Profile profile : profiles) {
      md.append("\n### ")
          .append(profile.instance())
          .append("\n\n")
          .append(profile.samples())
          .append(" samples. [Flame graph](")
          .append(profile.flameGraph())
          .append(") (callers on top; hover a frame for its share).\n\n")
          .append("The methods running in the most samples:\n\n| method | share |\n|---|---|\n");
      profile.running().forEach(e -> md.append(shareRow(e)));
      md.append("\nThe platform's own frames by the share of samples they were on the")
          .append(" stack:\n\n| frame | share |\n|---|---|\n");
      profile.ownCode().forEach(e -> md.append(shareRow(e)));
    }
  }

  private static String shareRow(Map.Entry<String, Double> frame) {
    return String.format(
        Locale.ROOT, "| `%s` | %.1f%% |%n", frame.getKey(), 100 * frame.getValue());
  }

  private static String f3(double value) {
    return Double.isNaN(value) ? "–" : String.format(Locale.ROOT, "%.2f", value);
  }

  private static void tracingRows(StringBuilder md, TracingCost cost) {
    String windows =
        "median of "
            + cost.sampled().size()
            + " windows of "
            + cost.sampled().get(0).seconds()
            + " s each way, alternating";
    md.append(
        comparison(
            "tracing's cost on POST p50 / p99 at "
                + f(cost.rate())
                + " orders/s: every trace sampled (recorded, exported to Zipkin) vs none ("
                + windows
                + ")",
            cost,
            Step::post));
    md.append(
        comparison(
            "tracing's cost on saga completion p50 / p99, the same windows", cost, Step::saga));
    double traced = median(cost.sampledThroughput());
    double untraced = median(cost.unsampledThroughput());
    md.append(
        row(
            "tracing's cost on throughput: orders/s acknowledged to a closed loop of "
                + cost.clients()
                + " clients, sampled vs none (median of "
                + cost.sampledThroughput().size()
                + " windows of "
                + cost.closedSeconds()
                + " s each way, alternating)",
            f(traced) + " vs " + f(untraced) + ": " + TracingCost.change(traced, untraced),
            "",
            ""));
  }

  /** A row of p50 / p99 with every trace sampled against none, and the change between them. */
  private static String comparison(
      String what, TracingCost cost, java.util.function.Function<Step, Latencies> latencies) {
    double sampledP50 = cost.median(cost.sampled(), s -> latencies.apply(s).p50());
    double sampledP99 = cost.median(cost.sampled(), s -> latencies.apply(s).p99());
    double unsampledP50 = cost.median(cost.unsampled(), s -> latencies.apply(s).p50());
    double unsampledP99 = cost.median(cost.unsampled(), s -> latencies.apply(s).p99());
    return row(
        what,
        f(sampledP50)
            + " / "
            + f(sampledP99)
            + " ms vs "
            + f(unsampledP50)
            + " / "
            + f(unsampledP99)
            + " ms: "
            + TracingCost.change(sampledP50, unsampledP50)
            + " / "
            + TracingCost.change(sampledP99, unsampledP99),
        "",
        "");
  }

  private static String row(String what, String result, String target, String verdict) {
    return "| " + what + " | " + result + " | " + target + " | " + verdict + " |\n";
  }

  private static String machine() throws IOException {
    String cpu =
        Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
            .filter(l -> l.startsWith("model name"))
            .findFirst()
            .map(l -> l.substring(l.indexOf(':') + 2))
            .orElse("unknown CPU");
    long cores = Runtime.getRuntime().availableProcessors();
    long memKb =
        Files.readAllLines(Path.of("/proc/meminfo")).stream()
            .filter(l -> l.startsWith("MemTotal"))
            .map(l -> Long.parseLong(l.replaceAll("\\D", "")))
            .findFirst()
            .orElse(0L);
    return String.format(
        Locale.ROOT,
        "%s, %d cores, %.0f GiB, %s (load generator: Java %s)",
        cpu,
        cores,
        memKb / 1024.0 / 1024.0,
        java.time.LocalDate.now(),
        System.getProperty("java.version"));
  }
}
