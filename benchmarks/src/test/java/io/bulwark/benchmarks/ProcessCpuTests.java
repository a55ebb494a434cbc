package io.bulwark.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The CPU the benchmark charges to each part of the platform, read from this machine's /proc. */
class ProcessCpuTests {

  private final ProcessCpu cpu =
      new ProcessCpu(Map.of("order-service-1", 8081, "gateway", 8080, "auth-server", 9000));

  @Test
  void eachProcessIsChargedToThePartItRuns() {
    assertThat(cpu.partOf(1, args("/usr/bin/java", "-jar", "o.jar", "--server.port=8081")))
        .isEqualTo("order-service-1");
    assertThat(cpu.partOf(1, args("/usr/bin/java", "-jar", "g.jar", "--server.port=8080")))
        .isEqualTo("gateway");
    assertThat(
            cpu.partOf(1, args("/usr/bin/java", "--management.server.port=8081", "-jar", "x.jar")))
        .as("a management port is no instance's own")
        .isEqualTo(ProcessCpu.OTHER);
    assertThat(cpu.partOf(1, args("/opt/java/bin/java", "-cp", "k/*", "kafka.Kafka", "s.props")))
        .isEqualTo("kafka");
    assertThat(cpu.partOf(1, args("postgres: bulwark orders 127.0.0.1(4242) idle")))
        .isEqualTo("postgresql");
    assertThat(cpu.partOf(1, args("/usr/lib/postgresql/15/bin/postgres", "-D", "/d")))
        .isEqualTo("postgresql");
    assertThat(cpu.partOf(1, args("/usr/bin/python3", "/usr/bin/patroni", "node1.yml")))
        .isEqualTo("patroni");
    assertThat(cpu.partOf(1, args("/usr/bin/etcd", "--name", "e1"))).isEqualTo("etcd");
    assertThat(cpu.partOf(1, args("/usr/lib/postgresql/15/bin/pgbench", "-N")))
        .isEqualTo(ProcessCpu.LOAD);
    assertThat(cpu.partOf(ProcessHandle.current().pid(), args("/usr/bin/java", "x")))
        .isEqualTo(ProcessCpu.LOAD);
    assertThat(cpu.partOf(1, args("/usr/bin/chromium"))).isEqualTo(ProcessCpu.OTHER);
    assertThat(ProcessCpu.platform("order-service-1")).isTrue();
    assertThat(ProcessCpu.platform(ProcessCpu.LOAD)).isFalse();
  }

  /**
   * A child that counts to a million in the shell, says how much CPU it used ({@code times}) and
   * ends is charged to the process that waited for it, as an ended backend is to its postmaster: at
   * least what the child said (the figures are in ticks of 10 ms), whatever else the machine was
   * doing.
   */
  @Test
  void anEndedChildsCpuIsChargedToTheProcessThatWaitedForIt() throws Exception {
    ProcessCpu.Snapshot before = cpu.take();

    Process counting =
        new ProcessBuilder("sh", "-c", "i=0; while [ $i -lt 1000000 ]; do i=$((i+1)); done; times")
            .start();
    String times = new String(counting.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    counting.waitFor();

    Map<String, Double> used = ProcessCpu.between(before, cpu.take());
    Matcher own = Pattern.compile("(\\d+)m([0-9.]+)s (\\d+)m([0-9.]+)s").matcher(times);
    assertThat(own.find()).as(times).isTrue();
    double childMillis =
        1000 * (60 * Double.parseDouble(own.group(1)) + Double.parseDouble(own.group(2)))
            + 1000 * (60 * Double.parseDouble(own.group(3)) + Double.parseDouble(own.group(4)));
    assertThat(childMillis).as("the child did work").isPositive();
    assertThat(used.getOrDefault(ProcessCpu.LOAD, 0.0))
        .as("this test's process, with the child it reaped (which said: " + times.strip() + ")")
        .isGreaterThanOrEqualTo(childMillis - 10);
  }

  private static String args(String... args) {
    return String.join("\0", List.of(args));
  }
}
