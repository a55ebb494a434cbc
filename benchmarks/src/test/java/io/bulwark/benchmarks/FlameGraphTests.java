package io.bulwark.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Stack samples folded into a flame graph, and the frames that cost the most read from it. */
class FlameGraphTests {

  @Test
  void aFrameCostsTheShareOfSamplesItWasOnTheStackCountedOnceThroughRecursion() {
    FlameGraph graph = new FlameGraph();
    for (int i = 0; i < 3; i++) {
      graph.add(List.of("main", "handle", "parse"));
    }
    graph.add(List.of("main", "handle", "handle", "write"));
    graph.add(List.of("main", "idle"));

    List<Map.Entry<String, Double>> costs = graph.inclusive(frame -> true, 3);

    assertThat(graph.samples()).isEqualTo(5);
    assertThat(costs.get(0).getKey()).isEqualTo("main");
    assertThat(costs.get(0).getValue()).isCloseTo(1.0, within(1e-9));
    assertThat(costs.get(1).getKey()).isEqualTo("handle");
    assertThat(costs.get(1).getValue()).as("4 of 5, not 5: recursion").isCloseTo(0.8, within(1e-9));
    assertThat(costs.get(2).getKey()).isEqualTo("parse");
    assertThat(graph.inclusive(frame -> frame.startsWith("w"), 10))
        .singleElement()
        .satisfies(e -> assertThat(e.getValue()).isCloseTo(0.2, within(1e-9)));
  }

  @Test
  void theGraphIsAnSvgWithEachFramesFiguresAndItsNameEscaped() {
    FlameGraph graph = new FlameGraph();
    graph.add(List.of("Main.main", "Map<K,V>.get"));
    graph.add(List.of("Main.main"));

    String svg = graph.svg("a test & its title");

    assertThat(svg).startsWith("<svg ").endsWith("</svg>\n");
    assertThat(svg).contains("a test &amp; its title (2 samples)");
    assertThat(svg).contains("<title>Main.main (2 samples, 100.00%)</title>");
    assertThat(svg).contains("<title>Map&lt;K,V&gt;.get (1 samples, 50.00%)</title>");
  }

  @Test
  void aPrintedFrameIsItsClassAndMethod() {
    assertThat(Profiles.frame("java.util.HashMap.get(Object) line: 556"))
        .isEqualTo("java.util.HashMap.get");
    assertThat(Profiles.frame("io.bulwark.Thing.lambda$run$0() line: 3"))
        .isEqualTo("io.bulwark.Thing.lambda$run$0");
  }
}
