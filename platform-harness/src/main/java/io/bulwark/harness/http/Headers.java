package io.bulwark.harness.http;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Header lookups that ignore case, as HTTP does. */
public final class Headers {

  private Headers() {}

  /** The value of the named header, or null. */
  public static @Nullable String first(Map<String, String> headers, String name) {
    return headers.entrySet().stream()
        .filter(e -> e.getKey().equalsIgnoreCase(name))
        .map(Map.Entry::getValue)
        .findFirst()
        .orElse(null);
  }
}
