package io.bulwark.benchmarks;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogarithmicAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** The report's PNG charts. */
final class Charts {

  static {
    System.setProperty("java.awt.headless", "true");
  }

  private Charts() {}

  /** Accepted orders per second against the offered rate, with the line where they are equal. */
  static void throughput(Path file, List<double[]> offeredAndAchieved) throws IOException {
    XYSeries achieved = new XYSeries("accepted orders/s");
    XYSeries ideal = new XYSeries("offered (all accepted)");
    for (double[] point : offeredAndAchieved) {
      achieved.add(point[0], point[1]);
      ideal.add(point[0], point[0]);
    }
    XYSeriesCollection data = new XYSeriesCollection();
    data.addSeries(achieved);
    data.addSeries(ideal);
    JFreeChart chart =
        ChartFactory.createXYLineChart(
            "Throughput against offered rate",
            "offered orders/s",
            "accepted orders/s",
            data,
            PlotOrientation.VERTICAL,
            true,
            false,
            false);
    style(chart);
    ChartUtils.saveChartAsPNG(file.toFile(), chart, 900, 500);
  }

  /**
   * POST latency per second (p50 and p99 of the requests due in that second), log scale, with the
   * moments of the faults marked with {@code fault}.
   */
  static void latencyOverTime(
      Path file,
      String title,
      Map<String, List<double[]>> seriesBySecond,
      List<Double> faults,
      String fault)
      throws IOException {
    overTime(file, title, "POST latency (ms, log scale)", seriesBySecond, faults, fault);
  }

  /** Series over seconds on a log scale, with moments marked with {@code label}. */
  static void overTime(
      Path file,
      String title,
      String axisLabel,
      Map<String, List<double[]>> seriesBySecond,
      List<Double> moments,
      String label)
      throws IOException {
    XYSeriesCollection data = new XYSeriesCollection();
    seriesBySecond.forEach(
        (name, points) -> {
          XYSeries series = new XYSeries(name);
          points.stream()
              .filter(p -> !Double.isNaN(p[1]))
              .forEach(p -> series.add(p[0], Math.max(p[1], 0.1)));
          data.addSeries(series);
        });
    JFreeChart chart =
        ChartFactory.createXYLineChart(
            title,
            "seconds",
            "POST latency (ms)",
            data,
            PlotOrientation.VERTICAL,
            true,
            false,
            false);
    XYPlot plot = chart.getXYPlot();
    LogarithmicAxis axis = new LogarithmicAxis(axisLabel);
    axis.setAllowNegativesFlag(false);
    plot.setRangeAxis(axis);
    for (double at : moments) {
      ValueMarker marker = new ValueMarker(at);
      marker.setPaint(Color.RED);
      marker.setStroke(new BasicStroke(2f));
      marker.setLabel(label);
      plot.addDomainMarker(marker);
    }
    style(chart);
    ChartUtils.saveChartAsPNG(file.toFile(), chart, 1100, 500);
  }

  /** Each steady phase's CPU per order, stacked by process (the platform's processes only). */
  static void cpuPerOrder(Path file, List<Report.CpuUse> phases) throws IOException {
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    for (Report.CpuUse phase : phases) {
      phase.millis().keySet().stream()
          .filter(ProcessCpu::platform)
          .forEach(part -> data.addValue(phase.perUnit(part), part, phase.phase()));
    }
    JFreeChart chart =
        ChartFactory.createStackedBarChart(
            "CPU per order, by process",
            "steady phase",
            "CPU ms per acknowledged order",
            data,
            PlotOrientation.VERTICAL,
            true,
            false,
            false);
    chart.setBackgroundPaint(Color.WHITE);
    chart.getCategoryPlot().setBackgroundPaint(Color.WHITE);
    chart.getCategoryPlot().setRangeGridlinePaint(Color.LIGHT_GRAY);
    ChartUtils.saveChartAsPNG(file.toFile(), chart, 1100, 550);
  }

  private static void style(JFreeChart chart) {
    chart.setBackgroundPaint(Color.WHITE);
    chart.getXYPlot().setBackgroundPaint(Color.WHITE);
    chart.getXYPlot().setDomainGridlinePaint(Color.LIGHT_GRAY);
    chart.getXYPlot().setRangeGridlinePaint(Color.LIGHT_GRAY);
  }
}
