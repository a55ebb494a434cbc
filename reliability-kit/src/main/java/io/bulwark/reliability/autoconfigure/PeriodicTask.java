package io.bulwark.reliability.autoconfigure;

import static java.util.concurrent.TimeUnit.MILLISECONDS;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.IntSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Housekeeping that runs every {@code period} while the application runs; failures are logged.
 *
 * <p>{@link #whileBusy} makes one that looks for work less often while there is none: each run says
 * how much it did, and the next comes after {@code busy} if it did some, after {@code idle} if it
 * did none or failed. Idle instances then cost little, and work is still taken up within {@code
 * idle}.
 */
public final class PeriodicTask implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(PeriodicTask.class);

  private final String name;
  private final Duration period;
  private final Duration idle;
  private final IntSupplier task;
  private @Nullable ScheduledExecutorService scheduler;

  public PeriodicTask(String name, Duration period, Runnable task) {
    this(
        name,
        period,
        period,
        () -> {
          task.run();
          return 1;
        });
  }

  private PeriodicTask(String name, Duration busy, Duration idle, IntSupplier task) {
    this.name = name;
    this.period = busy;
    this.idle = idle;
    this.task = task;
  }

  /**
   * A task that returns how much work it did: run again after {@code busy} when that was some,
   * after {@code idle} when none.
   */
  public static PeriodicTask whileBusy(
      String name, Duration busy, Duration idle, IntSupplier task) {
    return new PeriodicTask(name, busy, idle, task);
  }

  @Override
  public synchronized void start() {
    scheduler =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, name);
              thread.setDaemon(true);
              return thread;
            });
    // no work known of yet
    schedule(scheduler, idle);
  }

  private void schedule(ScheduledExecutorService on, Duration delay) {
    try {
      on.schedule(() -> schedule(on, runOnce() ? period : idle), delay.toMillis(), MILLISECONDS);
    } catch (RejectedExecutionException stopped) {
      // stopped between two runs
    }
  }

  /** Whether the run did some work. */
  private boolean runOnce() {
    try {
      return task.getAsInt() > 0;
    } catch (RuntimeException e) {
      Throwable cause = e;
      while (cause.getCause() != null && cause.getCause() != cause) {
        cause = cause.getCause();
      }
      log.warn("{} failed: {}{}", name, e, cause == e ? "" : " (" + cause + ")");
      return false;
    }
  }

  @Override
  public synchronized void stop() {
    if (scheduler != null) {
      scheduler.shutdownNow();
      scheduler = null;
    }
  }

  @Override
  public synchronized boolean isRunning() {
    return scheduler != null;
  }
}
