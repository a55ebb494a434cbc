package io.bulwark.gateway.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The console's one sampler: however many pages are open, one sample per interval, each sent to
 * every page; none while no page is open; a page that is gone is dropped.
 */
class PlatformWatchTests {

  private static final Duration INTERVAL = Duration.ofMillis(50);

  private final AtomicInteger taken = new AtomicInteger();

  @Test
  void tenOpenPagesShareOneSamplePerInterval() {
    try (PlatformWatch<Integer> watch = new PlatformWatch<>(taken::incrementAndGet, INTERVAL)) {
      List<List<Integer>> pages = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        List<Integer> received = new CopyOnWriteArrayList<>();
        pages.add(received);
        watch.subscribe(received::add);
      }

      await().atMost(Duration.ofSeconds(10)).until(() -> pages.get(9).size() >= 5);

      List<Integer> last = List.copyOf(pages.get(0));
      assertThat(taken.get())
          .as("samples taken: one per tick, not one per page per tick")
          .isLessThanOrEqualTo(last.size() + 2);
      assertThat(pages)
          .as("every page got each sample since it opened, in order, none twice")
          .allSatisfy(
              received -> {
                List<Integer> seen = List.copyOf(received);
                for (int i = 1; i < seen.size(); i++) {
                  assertThat(seen.get(i)).isEqualTo(seen.get(i - 1) + 1);
                }
              });
      assertThat(watch.samplesTaken()).isEqualTo(taken.get());
    }
  }

  @Test
  void noPageOpenTakesNoSampleAndAPageOpenedLaterStartsFresh() throws Exception {
    try (PlatformWatch<Integer> watch = new PlatformWatch<>(taken::incrementAndGet, INTERVAL)) {
      Thread.sleep(INTERVAL.multipliedBy(4).toMillis());
      assertThat(taken).as("nobody watching").hasValue(0);

      List<Integer> first = new CopyOnWriteArrayList<>();
      PlatformWatch.Subscriber<Integer> page = first::add;
      watch.subscribe(page);
      await().atMost(Duration.ofSeconds(10)).until(() -> first.size() >= 2);
      watch.unsubscribe(page);
      int whenClosed = taken.get();
      Thread.sleep(INTERVAL.multipliedBy(4).toMillis());
      assertThat(taken).as("the last page closed: sampling stopped").hasValue(whenClosed);

      List<Integer> later = new CopyOnWriteArrayList<>();
      watch.subscribe(later::add);
      await().atMost(Duration.ofSeconds(10)).until(() -> !later.isEmpty());
      assertThat(later.get(0))
          .as("a fresh sample, not the stale last one")
          .isGreaterThan(whenClosed);
    }
  }

  @Test
  void aNewPageGetsTheLatestSampleAtOnceAndAGonePageIsDropped() {
    try (PlatformWatch<Integer> watch = new PlatformWatch<>(taken::incrementAndGet, INTERVAL)) {
      List<Integer> open = new CopyOnWriteArrayList<>();
      watch.subscribe(open::add);
      await().atMost(Duration.ofSeconds(10)).until(() -> !open.isEmpty());

      List<Integer> joining = new ArrayList<>();
      watch.subscribe(joining::add);
      assertThat(joining).as("the latest sample, before the next tick").hasSize(1);

      AtomicInteger goneAfter = new AtomicInteger();
      watch.subscribe(sample -> goneAfter.incrementAndGet() < 2);
      await().atMost(Duration.ofSeconds(10)).until(() -> watch.subscribers() == 2);
    }
  }
}
