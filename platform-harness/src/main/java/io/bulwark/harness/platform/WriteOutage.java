package io.bulwark.harness.platform;

import java.util.Collection;
import java.util.OptionalDouble;

/**
 * How long writes were out after a fault, as the tests and the benchmarks measure it: the seconds
 * from the fault (say, the kill of the primary) to the acknowledgement of the first write that was
 * sent after it. No write sent after a kill can have reached the old primary, so that one found the
 * new; writes sent before the kill and answered after it do not count.
 */
public final class WriteOutage {

  /** An acknowledged write: when it was sent and when it was answered ({@code System.nanoTime}). */
  public record Write(long sentNanos, long answeredNanos) {}

  private WriteOutage() {}

  /**
   * The outage after a fault at {@code faultNanos}, or empty if no later write was acknowledged.
   */
  public static OptionalDouble after(long faultNanos, Collection<Write> acknowledged) {
    var first =
        acknowledged.stream()
            .filter(w -> w.sentNanos() > faultNanos)
            .mapToLong(Write::answeredNanos)
            .min();
    return first.isPresent()
        ? OptionalDouble.of((first.getAsLong() - faultNanos) / 1e9)
        : OptionalDouble.empty();
  }
}
