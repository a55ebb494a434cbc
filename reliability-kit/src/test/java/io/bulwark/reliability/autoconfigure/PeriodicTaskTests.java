package io.bulwark.reliability.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PeriodicTaskTests {

  @Test
  void aTaskThatFoundWorkRunsAgainSoonAndOneThatFoundNoneWaitsItsIdlePeriod() throws Exception {
    AtomicInteger runs = new AtomicInteger();
    // work for the first five runs, then none; the first run comes after the idle period
    PeriodicTask task =
        PeriodicTask.whileBusy(
            "test",
            Duration.ofMillis(10),
            Duration.ofSeconds(1),
            () -> runs.incrementAndGet() <= 5 ? 1 : 0);

    task.start();
    try {
      await().atMost(Duration.ofSeconds(10)).until(() -> runs.get() >= 6);
      int afterTheSixth = runs.get();
      Thread.sleep(500);

      assertThat(afterTheSixth).isEqualTo(6);
      assertThat(runs.get()).as("the sixth found nothing: the next waits a second").isEqualTo(6);
    } finally {
      task.stop();
    }
  }

  @Test
  void aFailingRunIsLoggedAndTheTaskGoesOnAtItsIdlePeriod() {
    AtomicInteger runs = new AtomicInteger();
    PeriodicTask task =
        PeriodicTask.whileBusy(
            "test",
            Duration.ofMinutes(1),
            Duration.ofMillis(10),
            () -> {
              runs.incrementAndGet();
              throw new IllegalStateException("fails every time");
            });

    task.start();
    try {
      await().atMost(Duration.ofSeconds(10)).until(() -> runs.get() >= 3);
    } finally {
      task.stop();
    }
    assertThat(task.isRunning()).isFalse();
  }
}
