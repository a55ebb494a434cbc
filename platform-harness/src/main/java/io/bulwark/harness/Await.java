package io.bulwark.harness;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The one way the harness, the fixtures, the tests and the benchmarks wait for something: {@code
 * Await.until(condition).every(pause).within(timeout)}. The condition is checked at once, then
 * after every pause, until it holds or the time is up; an exception it throws ends the wait.
 */
public final class Await {

  private static final Duration DEFAULT_PAUSE = Duration.ofMillis(200);

  private final BooleanSupplier condition;
  private final Duration pause;

  private Await(BooleanSupplier condition, Duration pause) {
    this.condition = condition;
    this.pause = pause;
  }

  public static Await until(BooleanSupplier condition) {
    return new Await(condition, DEFAULT_PAUSE);
  }

  /** Waits for a probe to find something, and gives what it found. */
  public static <T> Present<T> untilPresent(Supplier<Optional<T>> probe) {
    return new Present<>(probe, DEFAULT_PAUSE);
  }

  /** The pause between two checks (200 ms unless told). */
  public Await every(Duration pause) {
    return new Await(condition, pause);
  }

  /** Whether the condition held before {@code timeout} ran out. */
  public boolean within(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (condition.getAsBoolean()) {
        return true;
      }
      if (System.nanoTime() - deadline >= 0) {
        return false;
      }
      try {
        Thread.sleep(pause.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting", e);
      }
    }
  }

  /**
   * Waits as {@link #within(Duration)}; if the time runs out, fails with {@code failure}'s text.
   */
  public void within(Duration timeout, Supplier<String> failure) {
    if (!within(timeout)) {
      throw new IllegalStateException(failure.get());
    }
  }

  /** A wait for a value: {@code Await.untilPresent(probe).within(timeout, failure)}. */
  public static final class Present<T> {
    private final Supplier<Optional<T>> probe;
    private final Duration pause;

    private Present(Supplier<Optional<T>> probe, Duration pause) {
      this.probe = probe;
      this.pause = pause;
    }

    public Present<T> every(Duration pause) {
      return new Present<>(probe, pause);
    }

    /** What the probe found first, or an IllegalStateException with {@code failure}'s text. */
    public T within(Duration timeout, Supplier<String> failure) {
      AtomicReference<T> found = new AtomicReference<>();
      until(() -> probe.get().map(value -> found.compareAndSet(null, value)).isPresent())
          .every(pause)
          .within(timeout, failure);
      return java.util.Objects.requireNonNull(found.get(), "the value found");
    }
  }
}
