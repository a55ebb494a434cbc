package io.bulwark.testsupport.contract;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The example payloads in {@code contracts/events/} at the repository root, and a structural
 * comparison: same field names at every level, same JSON types.
 */
public final class EventContracts {

  private static final JsonMapper JSON = JsonMapper.shared();

  private EventContracts() {}

  /** The example payload of {@code type} at {@code version}. */
  public static JsonNode example(String type, int version) {
    Path file = directory().resolve(type + ".v" + version + ".json");
    try {
      return JSON.readTree(Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException("no contract " + file, e);
    }
  }

  /** Where {@code actual} differs in shape from {@code expected}; empty when they match. */
  public static List<String> shapeDifferences(JsonNode expected, JsonNode actual) {
    List<String> differences = new ArrayList<>();
    compare("$", expected, actual, differences);
    return differences;
  }

  private static void compare(String path, JsonNode expected, JsonNode actual, List<String> out) {
    if (expected.getNodeType() != actual.getNodeType()) {
      out.add(path + ": expected " + expected.getNodeType() + ", was " + actual.getNodeType());
      return;
    }
    if (expected.isObject()) {
      List<String> expectedNames = names(expected);
      List<String> actualNames = names(actual);
      for (String name : expectedNames) {
        if (!actualNames.contains(name)) {
          out.add(path + "." + name + ": missing");
        } else {
          compare(path + "." + name, expected.get(name), actual.get(name), out);
        }
      }
      actualNames.stream()
          .filter(name -> !expectedNames.contains(name))
          .forEach(name -> out.add(path + "." + name + ": not in the contract"));
    } else if (expected.isArray() && !expected.isEmpty() && !actual.isEmpty()) {
      compare(path + "[0]", expected.get(0), actual.get(0), out);
    }
  }

  private static List<String> names(JsonNode node) {
    List<String> names = new ArrayList<>();
    Iterator<Map.Entry<String, JsonNode>> fields = node.properties().iterator();
    fields.forEachRemaining(e -> names.add(e.getKey()));
    return names;
  }

  private static Path directory() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null) {
      Path candidate = dir.resolve("contracts").resolve("events");
      if (Files.isDirectory(candidate)) {
        return candidate;
      }
      dir = dir.getParent();
    }
    throw new IllegalStateException(
        "no contracts/events directory above " + Path.of("").toAbsolutePath());
  }
}
