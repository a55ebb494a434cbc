package io.bulwark.harness.net;

import io.bulwark.harness.process.Commands;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Network partitions between processes on this machine, made by dropping packets, as a cut cable or
 * a failed switch does: nothing is refused or reset, each side only stops hearing from the other,
 * and TCP's retransmissions, keepalives and timeouts are all that can notice. Every process of a
 * {@link Host} is started in a control group of its own, so the firewall can drop what the host
 * sends ({@code iptables -m cgroup}, both its own connections and its answers on others'), and what
 * others send to the ports it listens on. Needs root, {@code iptables} and a cgroup v2 hierarchy;
 * {@link #available()} says whether this machine has them.
 *
 * <p>The rules carry a comment naming this JVM, and {@link #open()} removes those left behind by a
 * JVM that died with a host cut off.
 */
public final class Partitions implements AutoCloseable {

  private static final String IPTABLES = "/usr/sbin/iptables";
  private static final String MARK = "bulwark-partition-";

  private final Path root;
  private final Path groups;
  private final String comment;
  private final List<Host> hosts = new ArrayList<>();

  private Partitions(Path root) {
    this.root = root;
    this.comment = MARK + ProcessHandle.current().pid();
    this.groups = root.resolve(comment);
  }

  /** Whether this machine can cut processes off: root, iptables, a cgroup v2 hierarchy. */
  public static boolean available() {
    return Commands.runningAsRoot()
        && Files.isExecutable(Path.of(IPTABLES))
        && cgroup2Root().isPresent();
  }

  /** Why {@link #available()} is false, for a test's skip message. */
  public static String requirement() {
    return "needs root, iptables and a cgroup v2 hierarchy to drop a process's packets";
  }

  public static Partitions open() {
    Path root =
        cgroup2Root().orElseThrow(() -> new IllegalStateException("no cgroup v2 hierarchy"));
    removeLeftovers(root);
    Partitions partitions = new Partitions(root);
    try {
      Files.createDirectories(partitions.groups);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return partitions;
  }

  /** A host of its own, holding every process started with its {@link Host#command}. */
  public Host host(String name) {
    Host host = new Host(name);
    try {
      Files.createDirectories(host.group);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    hosts.add(host);
    return host;
  }

  /**
   * The host that {@code member} runs in, started by another process (the local run's, say): its
   * control group as the kernel reports it. This instance's rules cut it off and reconnect it; the
   * group itself stays its owner's.
   */
  public Host hostOf(ProcessHandle member) {
    Path file = Path.of("/proc", String.valueOf(member.pid()), "cgroup");
    try {
      String group =
          Files.readAllLines(file).stream()
              .filter(line -> line.startsWith("0::/"))
              .map(line -> line.substring("0::/".length()))
              .filter(path -> path.contains(MARK))
              .findFirst()
              .orElseThrow(
                  () ->
                      new IllegalStateException(
                          "process " + member.pid() + " was not started in a host of its own"));
      Host host = new Host(Path.of(group).getFileName().toString(), root.resolve(group));
      hosts.add(host);
      return host;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A set of processes that leave the network together and come back together. */
  public final class Host {
    private final String name;
    private final Path group;
    private final List<List<String>> rules = new ArrayList<>();

    private Host(String name) {
      this(name, groups.resolve(name));
    }

    private Host(String name, Path group) {
      this.name = name;
      this.group = group;
    }

    public String name() {
      return name;
    }

    /**
     * The command, started inside this host: a shell moves itself into the host's control group and
     * then becomes the command (same process id), so every socket it and its children open belongs
     * to the host.
     */
    public List<String> command(List<String> command) {
      List<String> wrapped = new ArrayList<>();
      wrapped.add("/bin/sh");
      wrapped.add("-c");
      wrapped.add("echo $$ > '" + group.resolve("cgroup.procs") + "' && exec \"$@\"");
      wrapped.add(name);
      wrapped.addAll(command);
      return wrapped;
    }

    /**
     * From now on every packet this host sends is dropped, and every packet sent to one of its
     * {@code ports}: its peers' connections go quiet in both directions, and new ones get no answer
     * to their SYN.
     */
    public synchronized void cutOff(List<Integer> ports) {
      if (!rules.isEmpty()) {
        return;
      }
      String path = root.relativize(group).toString();
      rules.add(List.of("OUTPUT", "-m", "cgroup", "--path", path));
      for (int port : ports) {
        rules.add(List.of("INPUT", "-i", "lo", "-p", "tcp", "--dport", String.valueOf(port)));
      }
      rules.forEach(rule -> iptables("-I", rule));
    }

    public synchronized boolean isCutOff() {
      return !rules.isEmpty();
    }

    /** Lets packets through again; connections that outlived the cut carry on. */
    public synchronized void reconnect() {
      rules.forEach(rule -> iptables("-D", rule));
      rules.clear();
    }

    private void iptables(String action, List<String> rule) {
      List<String> command = new ArrayList<>(List.of(IPTABLES, "-w", action));
      command.addAll(rule);
      command.addAll(List.of("-m", "comment", "--comment", comment, "-j", "DROP"));
      Commands.run(command, 30);
    }
  }

  @Override
  public void close() {
    hosts.forEach(Host::reconnect);
    removeGroups(groups);
  }

  private static Optional<Path> cgroup2Root() {
    try (Stream<String> mounts = Files.lines(Path.of("/proc/self/mounts"))) {
      return mounts
          .map(line -> line.split(" "))
          .filter(fields -> fields.length > 2 && fields[2].equals("cgroup2"))
          .map(fields -> Path.of(fields[1]))
          .filter(Files::isWritable)
          .findFirst();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** The rules and groups of JVMs that are gone: a partition must not outlive its test run. */
  private static void removeLeftovers(Path root) {
    for (String rule : Commands.run(List.of(IPTABLES + "-save"), 30).split("\n")) {
      int mark = rule.indexOf(MARK);
      if (rule.startsWith("-A ") && mark >= 0 && !alive(pidAfter(rule, mark))) {
        List<String> delete = new ArrayList<>(List.of(IPTABLES, "-w", "-D"));
        delete.addAll(List.of(rule.substring(3).replace("\"", "").split(" ")));
        Commands.run(delete, 30);
      }
    }
    try (Stream<Path> groups = Files.list(root)) {
      groups
          .filter(group -> group.getFileName().toString().startsWith(MARK))
          .filter(group -> !alive(pidAfter(group.getFileName().toString(), 0)))
          .forEach(Partitions::removeGroups);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static long pidAfter(String text, int mark) {
    int start = mark + MARK.length();
    int end = start;
    while (end < text.length() && Character.isDigit(text.charAt(end))) {
      end++;
    }
    return end == start ? -1 : Long.parseLong(text.substring(start, end));
  }

  private static boolean alive(long pid) {
    return pid > 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  /** Removes a group's children and then the group; one with processes still in it stays. */
  private static void removeGroups(Path group) {
    try (Stream<Path> children = Files.list(group)) {
      children.filter(Files::isDirectory).forEach(Partitions::removeGroups);
    } catch (IOException e) {
      return;
    }
    try {
      Files.deleteIfExists(group);
    } catch (IOException e) {
      // still holds a process: left for the next run's clean-up
    }
  }
}
