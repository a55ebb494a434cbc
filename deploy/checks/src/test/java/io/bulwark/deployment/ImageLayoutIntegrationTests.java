package io.bulwark.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The services' container images as Jib lays them out. Every build writes each service's image to
 * {@code target/image-layout.tar} on an empty base (this machine cannot pull the Temurin base); its
 * configuration and application layers are those of the published image.
 */
class ImageLayoutIntegrationTests {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  @ParameterizedTest
  @ValueSource(strings = {"order-service", "inventory-service", "gateway"})
  void theImageRunsTheServiceAsAnUnprivilegedUserWithContainerAwareJvmFlags(String service)
      throws IOException {
    Image image = Image.read(Repository.path(service, "target", "image-layout.tar"));
    JsonNode config = image.config().get("config");

    assertThat(config.get("User").asString())
        .as("a numeric non-root user, so runAsNonRoot can verify it")
        .matches("[1-9]\\d*:[1-9]\\d*");
    List<String> entrypoint = strings(config.get("Entrypoint"));
    assertThat(entrypoint.get(0)).isEqualTo("java");
    assertThat(entrypoint)
        .contains("-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError", "-Djava.io.tmpdir=/tmp")
        .noneMatch(flag -> flag.startsWith("-Xmx"));
    assertThat(entrypoint.get(entrypoint.size() - 1)).startsWith("io.bulwark.");
    assertThat(config.get("ExposedPorts").propertyNames()).containsExactly("8080/tcp");
    assertThat(strings(config.get("Env"))).contains("SERVER_PORT=8080");
    assertThat(config.get("Labels").get("org.opencontainers.image.title").asString())
        .isEqualTo(service);
    assertThat(config.get("Labels").get("org.opencontainers.image.version").asString())
        .isEqualTo(Repository.VERSION);
  }

  @ParameterizedTest
  @ValueSource(strings = {"order-service", "inventory-service", "gateway"})
  void theApplicationIsLayeredSoThatACodeChangeRebuildsOnlyTheSmallLayers(String service)
      throws IOException {
    Image image = Image.read(Repository.path(service, "target", "image-layout.tar"));

    assertThat(image.tags())
        .containsExactly("ghcr.io/bulwark/" + service + ":" + Repository.VERSION);
    // dependencies, snapshot dependencies (the reliability kit), resources, classes, jib files
    assertThat(image.layers()).hasSizeGreaterThanOrEqualTo(4);
    List<String> files = image.layers().stream().flatMap(List::stream).toList();
    assertThat(files)
        .anyMatch(f -> f.startsWith("app/libs/spring-boot-"))
        .anyMatch(f -> f.startsWith("app/libs/reliability-kit-"))
        .anyMatch(f -> f.equals("app/resources/application.yml"))
        .anyMatch(f -> f.startsWith("app/classes/io/bulwark/"));
    List<String> dependencies = image.layerWith("app/libs/spring-boot-");
    List<String> classes = image.layerWith("app/classes/io/bulwark/");
    assertThat(dependencies).noneMatch(f -> f.startsWith("app/classes/"));
    assertThat(classes).noneMatch(f -> f.startsWith("app/libs/"));
  }

  private static List<String> strings(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(node -> values.add(node.asString()));
    return values;
  }

  /** A {@code docker load} archive: manifest.json, the image configuration, gzipped layers. */
  private record Image(JsonNode manifest, JsonNode config, List<List<String>> layers) {

    static Image read(Path archive) throws IOException {
      assertThat(archive).as("built by the package phase (jib:buildTar)").exists();
      Map<String, byte[]> entries = Tar.entries(Files.newInputStream(archive));
      JsonNode manifest = JSON.readTree(entries.get("manifest.json")).get(0);
      JsonNode config = JSON.readTree(entries.get(manifest.get("Config").asString()));
      List<List<String>> layers = new ArrayList<>();
      for (JsonNode layer : manifest.get("Layers")) {
        byte[] gzipped = entries.get(layer.asString());
        layers.add(
            List.copyOf(
                Tar.entries(new GZIPInputStream(new java.io.ByteArrayInputStream(gzipped)))
                    .keySet()));
      }
      return new Image(manifest, config, layers);
    }

    List<String> tags() {
      return strings(manifest.get("RepoTags"));
    }

    List<String> layerWith(String prefix) {
      return layers.stream()
          .filter(files -> files.stream().anyMatch(f -> f.startsWith(prefix)))
          .findFirst()
          .orElseThrow();
    }
  }

  /** Just enough of the tar format (ustar and pax) to list an image archive. */
  private static final class Tar {

    static Map<String, byte[]> entries(InputStream input) throws IOException {
      Map<String, byte[]> entries = new HashMap<>();
      try (input) {
        String longName = null;
        while (true) {
          byte[] header = input.readNBytes(512);
          if (header.length < 512 || header[0] == 0) {
            return entries;
          }
          String name = field(header, 0, 100);
          String prefix = field(header, 345, 155);
          long size =
              Long.parseLong(
                  field(header, 124, 12).trim().isEmpty() ? "0" : field(header, 124, 12).trim(), 8);
          char type = (char) header[156];
          byte[] content = input.readNBytes((int) size);
          input.skipNBytes((512 - size % 512) % 512);
          if (type == 'x') {
            longName = paxPath(content);
            continue;
          }
          if (type == 'g') {
            continue;
          }
          String path =
              longName != null ? longName : (prefix.isEmpty() ? name : prefix + "/" + name);
          longName = null;
          entries.put(path.endsWith("/") ? path : path, content);
        }
      }
    }

    private static String field(byte[] header, int offset, int length) {
      int end = offset;
      while (end < offset + length && header[end] != 0) {
        end++;
      }
      return new String(header, offset, end - offset, StandardCharsets.UTF_8);
    }

    private static String paxPath(byte[] records) {
      for (String record : new String(records, StandardCharsets.UTF_8).split("\n")) {
        int space = record.indexOf(' ');
        if (space > 0 && record.startsWith("path=", space + 1)) {
          return record.substring(space + 1 + "path=".length());
        }
      }
      return null;
    }
  }
}
