package io.bulwark.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run's headline figures as kept beside its report, and the medians over runs. */
class FiguresTests {

  @TempDir Path runs;

  @Test
  void aRunsFiguresReadBackAsWrittenInTheirOrder() throws Exception {
    Figures written =
        new Figures(
            ordered(
                "sustained orders/s", 40.0,
                "CPU per order at half rate, postgresql (ms)", 12.5312,
                "warm-up (s)", 277.0));

    written.write(runs);

    Figures read = Figures.read(runs);
    assertThat(read.values())
        .containsExactly(
            Map.entry("sustained orders/s", 40.0),
            Map.entry("CPU per order at half rate, postgresql (ms)", 12.5312),
            Map.entry("warm-up (s)", 277.0));
  }

  @Test
  void theMedianOfEachFigureIsTakenOverTheRunsThatMeasuredIt() {
    Map<String, Figures> measured = new LinkedHashMap<>();
    measured.put("a", new Figures(ordered("sustained orders/s", 35.0, "warm-up (s)", 219.0)));
    measured.put("b", new Figures(ordered("sustained orders/s", 40.0, "warm-up (s)", 277.0)));
    measured.put("c", new Figures(ordered("sustained orders/s", 30.0)));

    List<String> lines = Figures.medians(measured).lines().toList();

    assertThat(lines.get(0)).isEqualTo("| figure | a | b | c | median of 3 |");
    assertThat(lines).contains("| sustained orders/s | 35.0 | 40.0 | 30.0 | 35.0 |");
    assertThat(lines)
        .as("a figure one run lacks: its median is of the others, and says so")
        .contains("| warm-up (s) | 219.0 | 277.0 | – | 248.0 (of 2) |");
  }

  private static Map<String, Double> ordered(Object... namesAndValues) {
    Map<String, Double> values = new LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      values.put((String) namesAndValues[i], (Double) namesAndValues[i + 1]);
    }
    return values;
  }
}
