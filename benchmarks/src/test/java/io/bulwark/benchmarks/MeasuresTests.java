package io.bulwark.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.bulwark.harness.postgres.FailoverWatch;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** How the benchmark turns what it saw into figures. */
class MeasuresTests {

  private static final long MS = 1_000_000L;

  @Test
  void latencyCountsFromWhenTheRequestWasDueNotFromWhenItWasSent() {
    // due at 0, held up 90 ms on the client side, answered 10 ms after it was sent
    OpenLoad.Outcome late = new OpenLoad.Outcome(0, 90 * MS, 100 * MS, "201", false, "o");

    assertThat(late.latencyMillis()).isEqualTo(100.0);
  }

  @Test
  void aReplayCountsFromItsOwnSending() {
    OpenLoad.Outcome replay = new OpenLoad.Outcome(0, 90 * MS, 100 * MS, "201", true, "o");

    assertThat(replay.latencyMillis()).isEqualTo(10.0);
  }

  @Test
  void percentilesOfOneToAHundredMilliseconds() {
    Latencies latencies =
        Latencies.ofMillis(IntStream.rangeClosed(1, 100).mapToObj(i -> (double) i).toList());

    assertThat(latencies.count()).isEqualTo(100);
    assertThat(latencies.p50()).isCloseTo(50, within(0.1));
    assertThat(latencies.p99()).isCloseTo(99, within(0.1));
    assertThat(latencies.max()).isCloseTo(100, within(0.1));
  }

  @Test
  void theWriteOutageRunsFromTheKillToTheFirstWriteAcknowledgedThatWasSentAfterIt() {
    long kill = 1_000 * MS;
    List<OpenLoad.Outcome> outcomes = new ArrayList<>();
    // sent before the kill and answered after it: says nothing about the new primary
    outcomes.add(new OpenLoad.Outcome(990 * MS, 990 * MS, 1_500 * MS, "201", false, "a"));
    // sent after the kill: failed, then the first success 12 s after the kill
    outcomes.add(new OpenLoad.Outcome(1_100 * MS, 1_100 * MS, 6_000 * MS, "503", false, null));
    outcomes.add(new OpenLoad.Outcome(2_000 * MS, 2_000 * MS, 13_000 * MS, "201", false, "b"));
    outcomes.add(new OpenLoad.Outcome(3_000 * MS, 3_000 * MS, 13_500 * MS, "201", false, "c"));

    assertThat(Report.Failover.outage(kill, outcomes)).contains(12.0);
  }

  @Test
  void aStepAcceptsOnlyFirstRequestsAndCountsErrorsByKind() {
    List<OpenLoad.Outcome> outcomes =
        List.of(
            new OpenLoad.Outcome(0, 0, 5 * MS, "201", false, "a"),
            new OpenLoad.Outcome(0, 5 * MS, 6 * MS, "201", true, "a"),
            new OpenLoad.Outcome(0, 0, 7 * MS, "503", false, null),
            new OpenLoad.Outcome(0, 0, 9 * MS, "timeout", false, null));

    Report.Step step = Report.Step.of(10, Duration.ofSeconds(1), outcomes, 0);

    assertThat(step.accepted()).isEqualTo(1);
    assertThat(step.orderIds()).containsExactly("a");
    assertThat(step.errorShare()).isCloseTo(2 / 3.0, within(1e-9));
    assertThat(step.errors()).isEqualTo("503: 1, timeout: 1");
  }

  @Test
  void aFailoverReportsTheMedianOfEachPartOverItsFaults() {
    Report.Failover crashes =
        new Report.Failover(
            "crash",
            50,
            List.of(10.0, 50.0, 90.0),
            List.of(4.5, 6.0, 4.8),
            List.of(
                new FailoverWatch.Breakdown(3.9, 4.2, 4.5),
                new FailoverWatch.Breakdown(4.1, 5.0, 6.0),
                new FailoverWatch.Breakdown(3.7, 4.4, 4.8)),
            1_000,
            0,
            java.util.Map.of(),
            java.util.Map.of());

    FailoverWatch.Breakdown median = crashes.medianBreakdown();

    assertThat(median.detected()).isEqualTo(3.9);
    assertThat(median.promoted()).isEqualTo(4.4);
    assertThat(median.firstWrite()).isEqualTo(4.8);
    assertThat(crashes.chart()).isEqualTo("failover-crash.png");
  }

  @Test
  void theMedianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
    assertThat(Report.median(List.of(4.0, 1.0, 3.0, 2.0))).isEqualTo(2.5);
    assertThat(Report.median(List.of(5.0, 1.0, 3.0))).isEqualTo(3.0);
  }

  @Test
  void aCalmPhaseCountsEveryRiseOfTheTimelineAsAPromotionAndSkipsUnansweredSamples() {
    assertThat(new Report.Calm(10, 20, 100, List.of(3, 3, -1, 3, 3)).promotions()).isZero();
    assertThat(new Report.Calm(10, 20, 100, List.of(-1, 3, 3, 4, -1, 5, 5, -1)).promotions())
        .isEqualTo(2);
    assertThat(new Report.Calm(10, 20, 0, List.of(-1, -1)).promotions()).isZero();
  }

  @Test
  void thePlatformIsWarmFromTheLastWindowThatWasSlowOrFellBehind() {
    List<WarmUp.Window> windows = new ArrayList<>();
    // slow, then behind the rate though fast, then steady at about 20 ms
    windows.add(new WarmUp.Window(10, 400, 20, 90));
    windows.add(new WarmUp.Window(20, 30, 20, 60));
    windows.add(new WarmUp.Window(30, 22, 15, 40));
    for (int i = 4; i <= 10; i++) {
      windows.add(new WarmUp.Window(10 * i, i % 2 == 0 ? 19 : 21, 20, 20));
    }

    WarmUp warmUp = new WarmUp(20, 10, windows);

    assertThat(warmUp.steadyP50()).isCloseTo(20, within(1e-9));
    assertThat(warmUp.warmSeconds()).as("window 3 fell behind").isEqualTo(30);
    assertThat(warmUp.settled(0.15)).isTrue();
    assertThat(warmUp.cpuPerOrderWithin(60))
        .as("median of the first six")
        .isCloseTo(30, within(1e-9));
    assertThat(warmUp.steadyCpuPerOrder()).isEqualTo(20);
  }

  @Test
  void aWarmUpIsNotSettledWhileItsLastWindowsDriftOrTooFewAreMeasured() {
    List<WarmUp.Window> drifting = new ArrayList<>();
    for (int i = 1; i <= 8; i++) {
      drifting.add(new WarmUp.Window(10 * i, 100 - 10 * i, 20, 20));
    }

    assertThat(new WarmUp(20, 10, drifting).settled(0.15)).isFalse();
    assertThat(new WarmUp(20, 10, drifting.subList(0, 5)).settled(0.15)).isFalse();
    assertThat(new WarmUp(20, 10, drifting.subList(0, 5)).warmSeconds()).isNaN();
  }

  @Test
  void theSweepRisesUntilTheFirstFailureThenHalvesTheGapUntilItIsWithinAFifth() {
    // a platform that keeps up with 34 orders/s and no more
    List<Double> offered = new ArrayList<>();
    RateSearch search = RateSearch.start();
    for (var next = search.next(); next.isPresent(); next = search.next()) {
      double rate = next.getAsDouble();
      offered.add(rate);
      search = search.after(rate, rate <= 34);
    }

    assertThat(offered).containsExactly(10.0, 20.0, 40.0, 30.0, 35.0);
    assertThat(search.keptUp()).as("35 is within a fifth of 30").isEqualTo(30);
  }

  @Test
  void theSweepStopsAtOnceWhenTheFirstRateFailsAndRisesByFortiesAndFifthsWhileItKeepsUp() {
    RateSearch failedAtOnce = RateSearch.start().after(10, false);
    assertThat(failedAtOnce.next()).isEmpty();
    assertThat(failedAtOnce.keptUp()).isZero();

    RateSearch rising = RateSearch.start();
    List<Double> offered = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      double rate = rising.next().orElseThrow();
      offered.add(rate);
      rising = rising.after(rate, true);
    }
    assertThat(offered).containsExactly(10.0, 20.0, 40.0, 80.0, 120.0, 160.0, 200.0, 240.0);
  }
}
