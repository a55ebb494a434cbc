package io.bulwark.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A run's headline figures by name, kept beside its report as {@value #FILE} (one {@code
 * name<TAB>value} per line, in the report's order), and the medians of several runs' figures: a
 * single run on this shared machine is one draw, and a change is judged on the median of three.
 */
record Figures(Map<String, Double> values) {

  static final String FILE = "figures.tsv";

  Figures {
    values = new LinkedHashMap<>(values);
  }

  /** What {@code report} measured, by name; a figure the run did not measure is left out. */
  static Figures of(Report report) {
    Map<String, Double> values = new LinkedHashMap<>();
    put(values, "pgbench TPS", Report.median(report.pgbenchTps));
    if (report.warmUp != null) {
      put(values, "warm-up (s)", report.warmUp.warmSeconds());
      put(values, "warm-up: steady POST p50 (ms)", report.warmUp.steadyP50());
      put(values, "warm-up: CPU per order, first minute (ms)", report.warmUp.cpuPerOrderWithin(60));
      put(values, "warm-up: CPU per order, steady (ms)", report.warmUp.steadyCpuPerOrder());
    }
    put(values, "sustained orders/s", report.sustainedRate);
    Report.Step half = report.half;
    if (half != null) {
      put(values, "half rate (orders/s)", half.offered());
      put(values, "POST p50 at half rate (ms)", half.post().p50());
      put(values, "POST p95 at half rate (ms)", half.post().p95());
      put(values, "POST p99 at half rate (ms)", half.post().p99());
      put(values, "saga p50 at half rate (ms)", half.saga().p50());
      put(values, "saga p99 at half rate (ms)", half.saga().p99());
    }
    put(values, "replay p50 (ms)", report.replay.p50());
    Report.CpuUse atHalf = report.atHalfRate();
    if (atHalf != null) {
      put(values, "CPU per order at half rate, the platform (ms)", atHalf.platformPerUnit());
      atHalf.millis().keySet().stream()
          .filter(ProcessCpu::platform)
          .sorted()
          .forEach(
              part ->
                  put(
                      values,
                      "CPU per order at half rate, " + part + " (ms)",
                      atHalf.perUnit(part)));
    }
    put(values, "relay drain (events/s)", Report.median(report.relayRates));
    for (Report.Failover failover : report.failovers) {
      put(
          values,
          "write outage per primary " + failover.fault() + ", median (s)",
          Report.median(failover.outages()));
      put(
          values,
          "acknowledged orders missing after primary " + failover.fault(),
          failover.missing());
    }
    return new Figures(values);
  }

  private static void put(Map<String, Double> values, String name, double value) {
    if (!Double.isNaN(value)) {
      values.put(name, value);
    }
  }

  void write(Path directory) throws IOException {
    StringBuilder tsv = new StringBuilder();
    values.forEach(
        (name, value) ->
            tsv.append(name)
                .append('\t')
                .append(String.format(Locale.ROOT, "%.4f", value))
                .append('\n'));
    Files.writeString(directory.resolve(FILE), tsv);
  }

  static Figures read(Path directory) throws IOException {
    Map<String, Double> values = new LinkedHashMap<>();
    for (String line : Files.readAllLines(directory.resolve(FILE))) {
      int tab = line.lastIndexOf('\t');
      if (tab > 0) {
        values.put(line.substring(0, tab), Double.parseDouble(line.substring(tab + 1)));
      }
    }
    return new Figures(values);
  }

  /**
   * A Markdown table of every figure of {@code runs} (named by their directories), one column per
   * run and the median of those that measured it; a figure missing from a run shows a dash there.
   */
  static String medians(Map<String, Figures> runs) {
    Set<String> names = new LinkedHashSet<>();
    runs.values().forEach(run -> names.addAll(run.values().keySet()));
    StringBuilder md = new StringBuilder("| figure |");
    runs.keySet().forEach(run -> md.append(' ').append(run).append(" |"));
    md.append(" median of ").append(runs.size()).append(" |\n|---|");
    runs.keySet().forEach(run -> md.append("---|"));
    md.append("---|\n");
    for (String name : names) {
      md.append("| ").append(name).append(" |");
      List<Double> measured = new ArrayList<>();
      for (Figures run : runs.values()) {
        Double value = run.values().get(name);
        md.append(' ').append(value == null ? "–" : Report.f(value)).append(" |");
        if (value != null) {
          measured.add(value);
        }
      }
      md.append(' ').append(Report.f(Report.median(measured)));
      if (measured.size() < runs.size()) {
        md.append(" (of ").append(measured.size()).append(')');
      }
      md.append(" |\n");
    }
    return md.toString();
  }
}
