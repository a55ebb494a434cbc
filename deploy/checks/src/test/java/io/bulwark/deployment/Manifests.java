package io.bulwark.deployment;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/** The Kubernetes overlays under {@code deploy/k8s/overlays}, each rendered once with kubectl. */
final class Manifests {

  private static final Map<String, Manifests> RENDERED = new ConcurrentHashMap<>();

  final String overlay;
  final String yaml;
  final List<Map<String, Object>> objects;

  private Manifests(String overlay, String yaml, List<Map<String, Object>> objects) {
    this.overlay = overlay;
    this.yaml = yaml;
    this.objects = objects;
  }

  static Stream<String> overlays() {
    try (Stream<Path> dirs = Files.list(Repository.path("deploy", "k8s", "overlays"))) {
      return dirs.map(dir -> dir.getFileName().toString()).sorted().toList().stream();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** {@code kubectl kustomize deploy/k8s/overlays/<overlay>}, parsed. */
  static Manifests of(String overlay) {
    return RENDERED.computeIfAbsent(overlay, Manifests::render);
  }

  private static Manifests render(String overlay) {
    if (!Tool.installed("kubectl")) {
      throw new AssertionError("kubectl is needed to render the overlays (see .ci/run)");
    }
    String yaml =
        Tool.in(Repository.ROOT, "kubectl", "kustomize", "deploy/k8s/overlays/" + overlay)
            .run()
            .assertSucceeded("kubectl kustomize " + overlay)
            .out();
    List<Map<String, Object>> objects = new ArrayList<>();
    for (Object document : new Yaml(new LoaderOptions()).loadAll(yaml)) {
      if (document != null) {
        objects.add(map(document));
      }
    }
    return new Manifests(overlay, yaml, objects);
  }

  List<Map<String, Object>> ofKind(String kind) {
    return objects.stream().filter(o -> kind.equals(o.get("kind"))).toList();
  }

  Map<String, Object> named(String kind, String name) {
    return ofKind(kind).stream()
        .filter(o -> name.equals(at(o, "metadata", "name")))
        .findFirst()
        .orElseThrow(() -> new AssertionError(overlay + ": no " + kind + " " + name));
  }

  /** A ConfigMap by the name it has before kustomize appends its content hash. */
  Map<String, Object> configMap(String generatedName) {
    return ofKind("ConfigMap").stream()
        .filter(o -> String.valueOf(at(o, "metadata", "name")).startsWith(generatedName + "-"))
        .findFirst()
        .orElseThrow(() -> new AssertionError(overlay + ": no ConfigMap " + generatedName));
  }

  static String name(Map<String, Object> object) {
    return String.valueOf(at(object, "metadata", "name"));
  }

  /** The value at a path of keys (and list indexes), or null where the path ends early. */
  static Object at(Object root, Object... path) {
    Object current = root;
    for (Object step : path) {
      if (current instanceof Map<?, ?> map) {
        current = map.get(step);
      } else if (current instanceof List<?> list && step instanceof Integer index) {
        current = index < list.size() ? list.get(index) : null;
      } else {
        return null;
      }
    }
    return current;
  }

  static Map<String, Object> mapAt(Object root, Object... path) {
    Object value = at(root, path);
    return value == null ? Map.of() : map(value);
  }

  static List<Map<String, Object>> listAt(Object root, Object... path) {
    Object value = at(root, path);
    if (value == null) {
      return List.of();
    }
    return ((List<?>) value).stream().map(Manifests::map).toList();
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object value) {
    return (Map<String, Object>) Objects.requireNonNull(value);
  }

  /** A YAML document held in a ConfigMap's data, parsed. */
  static Map<String, Object> yamlIn(Map<String, Object> configMap, String key) {
    Object text = at(configMap, "data", key);
    if (text == null) {
      throw new AssertionError(name(configMap) + " has no " + key);
    }
    return map(new Yaml(new LoaderOptions()).load(text.toString()));
  }
}
