package io.bulwark.benchmarks;

import java.util.List;
import java.util.Locale;

/**
 * How soon after the platform is up it runs at full speed: a fixed order rate from that moment, in
 * windows, each with its POST median, its throughput and the CPU it cost per order.
 *
 * <p>The steady value is the median of the POST medians of the last {@value #STEADY_WINDOWS}
 * windows; the platform is warm from the end of the first window after which every window kept up
 * with the rate and had its POST median within {@value #WITHIN_PERCENT}% of the steady value.
 *
 * @param rate orders offered per second, in every window
 * @param windowSeconds how long each window lasted
 * @param windows in order, from the moment the platform was up
 */
record WarmUp(double rate, double windowSeconds, List<Window> windows) {

  static final int STEADY_WINDOWS = 6;
  static final int WITHIN_PERCENT = 20;

  /**
   * @param endSeconds when the window ended, in seconds since the platform was up
   * @param postP50 the median latency of the POSTs acknowledged in it, in milliseconds
   * @param acceptedPerSecond orders acknowledged per second
   * @param cpuPerOrder milliseconds of CPU the platform's processes used per order acknowledged
   */
  record Window(double endSeconds, double postP50, double acceptedPerSecond, double cpuPerOrder) {

    boolean keptUp(double rate) {
      return acceptedPerSecond >= 0.95 * rate;
    }
  }

  WarmUp {
    windows = List.copyOf(windows);
  }

  /** The median of the last windows' POST medians; NaN with fewer windows than that. */
  double steadyP50() {
    if (windows.size() < STEADY_WINDOWS) {
      return Double.NaN;
    }
    return Report.median(last().stream().map(Window::postP50).toList());
  }

  /** The last {@value #STEADY_WINDOWS} windows, or all of them while there are fewer. */
  private List<Window> last() {
    return windows.subList(Math.max(0, windows.size() - STEADY_WINDOWS), windows.size());
  }

  /**
   * Whether the last windows are steady: each kept up, and each POST median within {@code
   * tolerance} (a fraction) of their median.
   */
  boolean settled(double tolerance) {
    double steady = steadyP50();
    return !Double.isNaN(steady)
        && last().stream()
            .allMatch(w -> w.keptUp(rate) && Math.abs(w.postP50() - steady) <= tolerance * steady);
  }

  /**
   * Seconds from the platform being up until the end of the first window from which on every window
   * kept up and was within {@value #WITHIN_PERCENT}% of the steady POST median; NaN when there are
   * too few windows to know the steady value.
   */
  double warmSeconds() {
    double steady = steadyP50();
    if (Double.isNaN(steady)) {
      return Double.NaN;
    }
    double warmFrom = 0;
    for (Window window : windows) {
      boolean warm =
          window.keptUp(rate) && window.postP50() <= (1 + WITHIN_PERCENT / 100.0) * steady;
      if (!warm) {
        warmFrom = window.endSeconds();
      }
    }
    return warmFrom;
  }

  /** The CPU per order over the windows that ended within {@code seconds} of the start. */
  double cpuPerOrderWithin(double seconds) {
    return Report.median(
        windows.stream()
            .filter(w -> w.endSeconds() <= seconds)
            .map(Window::cpuPerOrder)
            .filter(v -> !Double.isNaN(v))
            .toList());
  }

  /** The CPU per order of the steady windows. */
  double steadyCpuPerOrder() {
    return Report.median(
        last().stream().map(Window::cpuPerOrder).filter(v -> !Double.isNaN(v)).toList());
  }

  String line() {
    return String.format(
        Locale.ROOT,
        "warm after %.0f s at %.0f orders/s: steady POST p50 %.1f ms; CPU per order %.1f ms in the"
            + " first minute, %.1f ms steady",
        warmSeconds(),
        rate,
        steadyP50(),
        cpuPerOrderWithin(60),
        steadyCpuPerOrder());
  }
}
