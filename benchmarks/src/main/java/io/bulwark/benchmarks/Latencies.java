package io.bulwark.benchmarks;

import java.util.Collection;
import org.HdrHistogram.Histogram;

/** Percentiles of a set of latencies, recorded in microseconds with HdrHistogram. */
record Latencies(long count, double p50, double p95, double p99, double max) {

  /** No latencies measured: every figure is NaN, shown as a dash. */
  static final Latencies NONE = new Latencies(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);

  static Latencies ofMillis(Collection<Double> millis) {
    Histogram histogram = new Histogram(3_600_000_000L, 3);
    for (double value : millis) {
      histogram.recordValue(Math.max(1, Math.round(value * 1000)));
    }
    if (histogram.getTotalCount() == 0) {
      return NONE;
    }
    return new Latencies(
        histogram.getTotalCount(),
        histogram.getValueAtPercentile(50) / 1000.0,
        histogram.getValueAtPercentile(95) / 1000.0,
        histogram.getValueAtPercentile(99) / 1000.0,
        histogram.getMaxValue() / 1000.0);
  }
}
