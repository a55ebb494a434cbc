package io.bulwark.gateway.console;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One sampler for every open page: while at least one page subscribes, it takes a sample every
 * interval on a thread of its own and hands it to each subscriber; with none, it takes none. A new
 * subscriber gets the latest sample at once. So the platform pays for one reader, however many
 * pages are open: ten browsers cost what one does, and no browser costs anything when none is open.
 */
final class PlatformWatch<T> implements AutoCloseable {

  /** A page's end of the stream; false when it is gone, and it is then dropped. */
  @FunctionalInterface
  interface Subscriber<T> {
    boolean send(T sample);
  }

  private static final Logger log = LoggerFactory.getLogger(PlatformWatch.class);

  private final Supplier<T> sampler;
  private final Duration interval;
  private final ScheduledExecutorService scheduler;
  private final Set<Subscriber<T>> subscribers = ConcurrentHashMap.newKeySet();
  private final AtomicLong samples = new AtomicLong();
  private volatile @Nullable T latest;
  private @Nullable ScheduledFuture<?> ticking;

  PlatformWatch(Supplier<T> sampler, Duration interval) {
    this.sampler = sampler;
    this.interval = interval;
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "console-watch");
              thread.setDaemon(true);
              return thread;
            });
  }

  synchronized void subscribe(Subscriber<T> subscriber) {
    T last = latest;
    if (last != null && !subscriber.send(last)) {
      return;
    }
    subscribers.add(subscriber);
    if (ticking == null) {
      ticking =
          scheduler.scheduleWithFixedDelay(
              this::tick, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  synchronized void unsubscribe(Subscriber<T> subscriber) {
    subscribers.remove(subscriber);
    if (subscribers.isEmpty() && ticking != null) {
      ticking.cancel(false);
      ticking = null;
      // a page opened later must not be shown what was true when the last one closed
      latest = null;
    }
  }

  /** The latest sample while pages are open; else a fresh one, taken now. */
  T current() {
    T last = latest;
    return last != null ? last : take();
  }

  /** How many samples were taken since start: the cost, whatever the number of pages. */
  long samplesTaken() {
    return samples.get();
  }

  int subscribers() {
    return subscribers.size();
  }

  private T take() {
    T sample = sampler.get();
    samples.incrementAndGet();
    return sample;
  }

  private void tick() {
    try {
      T sample = take();
      latest = sample;
      for (Subscriber<T> subscriber : subscribers) {
        if (!subscriber.send(sample)) {
          unsubscribe(subscriber);
        }
      }
    } catch (RuntimeException e) {
      // the next tick tries again; a failed sample must not end the watch
      log.warn("console sample failed: {}", e.toString());
    }
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
  }
}
