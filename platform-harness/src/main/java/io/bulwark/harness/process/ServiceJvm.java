package io.bulwark.harness.process;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * How the local run starts a service: on which Java, with which flags, and from a start-up cache.
 *
 * <ul>
 *   <li><b>Java.</b> The {@code bulwark.service-java} system property or the {@code
 *       BULWARK_SERVICE_JAVA} environment variable names the {@code java} to run services on.
 *       Without either, the newest Java 25 or later installed beside this JVM's (in {@code
 *       /usr/lib/jvm}, say: virtual threads, ahead-of-time cache, compact object headers), else
 *       this JVM's Java.
 *   <li><b>Memory.</b> A 256 MiB heap cap (the live set of a service is under 80 MiB), the serial
 *       collector, and two malloc arenas instead of glibc's eight per core. {@code
 *       BULWARK_SERVICE_JVM_OPTIONS} adds to these flags or overrides them.
 *   <li><b>Compiler.</b> C1 alone: see {@link #FLAGS}.
 *   <li><b>Start-up cache.</b> The executable jar is extracted once, and a training run (the
 *       application context refreshed, then the JVM exits) records the classes it loads: an
 *       ahead-of-time cache on Java 25 and later, a class-data-sharing archive before that. Later
 *       starts map them instead of loading, verifying and linking every class again. Both are keyed
 *       by the jar's content (the build is reproducible), the Java and the flags, so a changed jar
 *       is trained again and an unchanged rebuild is not; a training run that fails only costs the
 *       cache, never the start.
 * </ul>
 */
public final class ServiceJvm {

  /**
   * The heap and collector; and only the first, quick compiler (C1, without profiling). Six JVMs
   * share this machine's cores, each compiling the same framework code: with the optimizing
   * compiler as well, the platform took 312 s from being up to its steady POST latency at 20
   * orders/s and spent 358 ms of CPU per order in its first minute; with C1 alone, 133 s and 103
   * ms, and its steady latency and CPU per order were no worse (20.5 ms and 64 ms against 21.2 and
   * 69; {@code ./bulwark bench --warm-up}, benchmarks/results/20261207-115949 and -121109). {@code
   * BULWARK_SERVICE_JVM_OPTIONS=-XX:TieredStopAtLevel=4} brings the optimizing compiler back.
   */
  private static final List<String> FLAGS =
      List.of("-Xms64m", "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

  private static final Map<String, String> ENVIRONMENT = Map.of("MALLOC_ARENA_MAX", "2");

  private final String java;
  private final int feature;
  private final Path cacheDir;
  private final List<String> flags;

  /**
   * Per jar, the arguments that start it from its cache: each jar is hashed and trained once, while
   * other jars train beside it.
   */
  private final Map<Path, List<String>> launches = new ConcurrentHashMap<>();

  private final Map<Path, Object> trainings = new ConcurrentHashMap<>();

  private ServiceJvm(String java, int feature, Path cacheDir, List<String> extraFlags) {
    this.java = java;
    this.feature = feature;
    this.cacheDir = cacheDir;
    this.flags = flagsFor(feature, extraFlags);
  }

  /** The local run's service JVM, keeping its start-up caches under {@code cacheDir}. */
  public static ServiceJvm local(Path cacheDir) {
    return local(cacheDir, List.of());
  }

  /** The same with {@code extraFlags} after the usual ones (the user's own still last). */
  public static ServiceJvm local(Path cacheDir, List<String> extraFlags) {
    String configured = System.getProperty("bulwark.service-java", "");
    if (configured.isBlank()) {
      configured = System.getenv().getOrDefault("BULWARK_SERVICE_JAVA", "");
    }
    String java = configured.isBlank() ? newestInstalled() : configured;
    return new ServiceJvm(java, featureVersion(java), cacheDir, extraFlags);
  }

  /**
   * The newest Java of 25 or later among those installed beside this JVM's ({@code
   * /usr/lib/jvm/*}); this JVM's Java when there is none.
   */
  private static String newestInstalled() {
    Path installed = Path.of(System.getProperty("java.home")).toAbsolutePath().getParent();
    return newestIn(installed, ManagedProcess.javaExecutable(), Runtime.version().feature());
  }

  /**
   * The {@code java} of the newest JDK under {@code installed}, by its {@code release} file, if it
   * is Java 25 or later and newer than {@code current}; else {@code fallback}.
   */
  static String newestIn(@Nullable Path installed, String fallback, int current) {
    String newest = fallback;
    int best = Math.max(current, 24);
    if (installed == null || !Files.isDirectory(installed)) {
      return newest;
    }
    try (var homes = Files.list(installed)) {
      for (Path candidate : homes.sorted().toList()) {
        Path java = candidate.resolve("bin").resolve("java");
        int feature = releasedFeature(candidate.resolve("release"));
        if (feature > best && Files.isExecutable(java)) {
          best = feature;
          newest = java.toString();
        }
      }
    } catch (IOException e) {
      return fallback;
    }
    return newest;
  }

  /** {@code JAVA_VERSION="25.0.1"} in a JDK's release file: 25; 0 when unreadable. */
  private static int releasedFeature(Path release) {
    try {
      return Files.readAllLines(release).stream()
          .filter(line -> line.startsWith("JAVA_VERSION="))
          .map(line -> line.substring(line.indexOf('=') + 1).replace("\"", "").split("[.+-]")[0])
          .filter(version -> version.matches("\\d+"))
          .mapToInt(Integer::parseInt)
          .findFirst()
          .orElse(0);
    } catch (IOException e) {
      return 0;
    }
  }

  /** A tool of the JDK the services run on ({@code jcmd}, {@code jfr}), beside its {@code java}. */
  public Path tool(String name) {
    return Path.of(java).toAbsolutePath().resolveSibling(name);
  }

  /** The Java feature version services run on (17, 25, ...). */
  public int featureVersion() {
    return feature;
  }

  /** The JVM options every service instance gets, cache aside. */
  public List<String> flags() {
    return flags;
  }

  /**
   * Starts the service in {@code jar} with these properties; trains its start-up cache first if it
   * has none (the training run needs what the context needs at refresh: the database).
   */
  public ManagedProcess start(String name, Path jar, Map<String, String> properties, Path log) {
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          name + ": no jar at " + jar + " (build it with ./mvnw package)");
    }
    List<String> command = new ArrayList<>();
    command.add(java);
    command.addAll(flags);
    command.addAll(cached(jar, properties, log));
    properties.forEach((key, value) -> command.add("--" + key + "=" + value));
    return ManagedProcess.start(name, command, ENVIRONMENT, log);
  }

  /** {@code -XX:...Cache... -jar <extracted jar>}, or {@code -jar <jar>} when training failed. */
  private List<String> cached(Path jar, Map<String, String> properties, Path log) {
    synchronized (trainings.computeIfAbsent(jar, any -> new Object())) {
      List<String> known = launches.get(jar);
      if (known != null) {
        return known;
      }
      List<String> launch = cachedOrPlain(jar, properties, log);
      launches.put(jar, launch);
      return launch;
    }
  }

  private List<String> cachedOrPlain(Path jar, Map<String, String> properties, Path log) {
    try {
      String service = jar.getFileName().toString().replace(".jar", "");
      Path dir =
          cacheDir
              .resolve(service)
              .resolve("java%d-%s-%x".formatted(feature, contentHash(jar), flags.hashCode()));
      Path extracted = dir.resolve(jar.getFileName());
      Path cache = dir.resolve(feature >= 25 ? "app.aot" : "app.jsa");
      if (!Files.isRegularFile(cache)) {
        Directories.delete(cacheDir.resolve(service));
        Files.createDirectories(dir);
        Commands.run(
            List.of(
                java,
                "-Djarmode=tools",
                "-jar",
                jar.toString(),
                "extract",
                "--destination",
                dir.toString()),
            120);
        train(extracted, cache, properties, log);
      }
      return List.of(
          feature >= 25 ? "-XX:AOTCache=" + cache : "-XX:SharedArchiveFile=" + cache,
          "-jar",
          extracted.toString());
    } catch (IOException | RuntimeException e) {
      appendTo(log, "start-up cache unavailable, starting without it: " + e.getMessage());
      return List.of("-jar", jar.toString());
    }
  }

  private static List<String> flagsFor(int feature, List<String> extraFlags) {
    List<String> flags = new ArrayList<>(FLAGS);
    if (feature >= 25) {
      flags.add("-XX:+UseCompactObjectHeaders");
      // hands the compilers' freed malloc memory back to the system every few seconds
      flags.add("-XX:TrimNativeHeapInterval=5000");
    }
    flags.addAll(extraFlags);
    // the user's own, last so that they win
    String extra = System.getenv().getOrDefault("BULWARK_SERVICE_JVM_OPTIONS", "").strip();
    if (!extra.isEmpty()) {
      flags.addAll(List.of(extra.split("\\s+")));
    }
    return List.copyOf(flags);
  }

  private void train(Path extracted, Path cache, Map<String, String> properties, Path log) {
    List<String> command = new ArrayList<>();
    command.add(java);
    command.addAll(flags);
    command.add(
        feature >= 25 ? "-XX:AOTCacheOutput=" + cache : "-XX:ArchiveClassesAtExit=" + cache);
    // the classes it cannot archive (Spring's own class loading) are expected, not worth a warning
    command.add(feature >= 25 ? "-Xlog:aot*=error" : "-Xlog:cds*=error");
    command.add("-Dspring.context.exit=onRefresh");
    command.add("-jar");
    command.add(extracted.toString());
    properties.forEach((key, value) -> command.add("--" + key + "=" + value));
    appendTo(log, "training the start-up cache: " + cache);
    appendTo(log, Commands.run(command, 300));
    if (!Files.isRegularFile(cache)) {
      throw new IllegalStateException("the training run wrote no " + cache);
    }
  }

  /** The jar's content, not its time stamp: the build is reproducible, so a rebuild keeps it. */
  private static String contentHash(Path jar) throws IOException {
    try (InputStream in = Files.newInputStream(jar)) {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[1 << 16];
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
      }
      return HexFormat.of().formatHex(digest.digest(), 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static int featureVersion(String java) {
    String output = Commands.run(List.of(java, "-XshowSettings:properties", "-version"), 60);
    return output
        .lines()
        .map(String::strip)
        .filter(line -> line.startsWith("java.specification.version = "))
        .map(line -> line.substring(line.indexOf('=') + 1).strip())
        .map(version -> Integer.parseInt(version.replaceFirst("^1\\.", "").split("\\.")[0]))
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("no Java version from " + java));
  }

  private static void appendTo(Path log, String text) {
    try {
      Files.createDirectories(log.getParent());
      Files.writeString(
          log,
          text.endsWith("\n") ? text : text + "\n",
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
