package io.bulwark.benchmarks;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Stack samples folded into a tree, drawn as an SVG flame graph (the callers on top, each frame as
 * wide as the share of samples it was on the stack; hover for its figures), and read for the frames
 * that cost the most.
 */
final class FlameGraph {

  private static final int WIDTH = 1200;
  private static final int ROW = 16;
  private static final double MIN_SHARE = 0.002;

  /** A frame at one place in the call tree: its samples there, and its callees. */
  private static final class Node {
    final String frame;
    long samples;
    final Map<String, Node> callees = new LinkedHashMap<>();

    Node(String frame) {
      this.frame = frame;
    }
  }

  private final Node root = new Node("all");

  /** Samples by the frame that was running (the top of the stack). */
  private final Map<String, Long> running = new LinkedHashMap<>();

  /** Adds one sample: its stack from the outermost caller to the frame that was running. */
  void add(List<String> stack) {
    Node node = root;
    node.samples++;
    for (String frame : stack) {
      node = node.callees.computeIfAbsent(frame, Node::new);
      node.samples++;
    }
    if (!stack.isEmpty()) {
      running.merge(stack.get(stack.size() - 1), 1L, Long::sum);
    }
  }

  long samples() {
    return root.samples;
  }

  /** The frames that were running in the largest shares of samples: at most {@code limit}. */
  List<Map.Entry<String, Double>> running(int limit) {
    return largestShares(running, limit);
  }

  /**
   * The frames on the stack in the largest shares of samples (each sample counted once per frame,
   * however deep the recursion), among those {@code frame -> ...} accepts; at most {@code limit}.
   */
  List<Map.Entry<String, Double>> inclusive(java.util.function.Predicate<String> which, int limit) {
    Map<String, Long> counts = new LinkedHashMap<>();
    count(root, new ArrayList<>(), counts, which);
    return largestShares(counts, limit);
  }

  private List<Map.Entry<String, Double>> largestShares(Map<String, Long> counts, int limit) {
    return counts.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .limit(limit)
        .map(e -> Map.entry(e.getKey(), e.getValue() / (double) Math.max(1, root.samples)))
        .toList();
  }

  /** Counts, for each frame, the samples of the subtrees where it first appears on a path. */
  private static void count(
      Node node,
      List<String> path,
      Map<String, Long> counts,
      java.util.function.Predicate<String> which) {
    for (Node callee : node.callees.values()) {
      boolean first = !path.contains(callee.frame);
      if (first && which.test(callee.frame)) {
        counts.merge(callee.frame, callee.samples, Long::sum);
      }
      path.add(callee.frame);
      count(callee, path, counts, which);
      path.remove(path.size() - 1);
    }
  }

  /** The graph as an SVG document, titled. */
  String svg(String title) {
    int depth = depth(root);
    int height = (depth + 3) * ROW;
    StringBuilder svg = new StringBuilder();
    svg.append(
            String.format(
                Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
                    + " font-family=\"monospace\" font-size=\"11\">%n",
                WIDTH,
                height))
        .append("<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n")
        .append("<text x=\"4\" y=\"13\" font-size=\"13\">")
        .append(escape(title + " (" + root.samples + " samples)"))
        .append("</text>\n");
    draw(svg, root, 0, WIDTH, 1);
    return svg.append("</svg>\n").toString();
  }

  private void draw(StringBuilder svg, Node node, double x, double width, int level) {
    double share = node.samples / (double) Math.max(1, root.samples);
    double y = level * ROW + 4;
    svg.append(
            String.format(
                Locale.ROOT,
                "<g><title>%s (%d samples, %.2f%%)</title><rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\""
                    + " height=\"%d\" fill=\"%s\" stroke=\"#ffffff\" stroke-width=\"0.5\"/>",
                escape(node.frame),
                node.samples,
                100 * share,
                x,
                y,
                width,
                ROW - 1,
                colour(node.frame)))
        .append(label(node.frame, x, y, width))
        .append("</g>\n");
    double offset = x;
    List<Node> callees = new ArrayList<>(node.callees.values());
    callees.sort(Comparator.comparing(n -> n.frame));
    for (Node callee : callees) {
      double calleeWidth = width * callee.samples / (double) node.samples;
      if (callee.samples / (double) root.samples >= MIN_SHARE) {
        draw(svg, callee, offset, calleeWidth, level + 1);
      }
      offset += calleeWidth;
    }
  }

  private static String label(String frame, double x, double y, double width) {
    int fits = (int) ((width - 6) / 6.6);
    if (fits < 3) {
      return "";
    }
    String shown = frame.length() <= fits ? frame : frame.substring(0, fits - 1) + "…";
    return String.format(
        Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\">%s</text>", x + 3, y + ROW - 4, escape(shown));
  }

  /** Warm colours by the frame's name; the platform's own code in blue, to find it at a glance. */
  private static String colour(String frame) {
    int hash = Math.abs(frame.hashCode());
    if (frame.startsWith("io.bulwark.")) {
      return String.format(Locale.ROOT, "rgb(%d,%d,235)", 90 + hash % 60, 150 + hash % 60);
    }
    return String.format(Locale.ROOT, "rgb(235,%d,%d)", 110 + hash % 120, 40 + hash % 50);
  }

  private static int depth(Node node) {
    int deepest = 0;
    for (Node callee : node.callees.values()) {
      deepest = Math.max(deepest, depth(callee));
    }
    return deepest + 1;
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
