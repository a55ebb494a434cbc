package io.bulwark.harness.http;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * {@code application/x-www-form-urlencoded}, as a browser sends a form and an authorization server
 * puts parameters on a redirect.
 */
public final class Forms {

  private Forms() {}

  public static String encode(Map<String, String> fields) {
    return fields.entrySet().stream()
        .map(
            e ->
                URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)
                    + "="
                    + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
  }

  /** The fields of a form body or a raw query string; the last of a repeated name wins. */
  public static Map<String, String> decode(@Nullable String form) {
    Map<String, String> fields = new LinkedHashMap<>();
    if (form != null) {
      for (String pair : form.split("&")) {
        int equals = pair.indexOf('=');
        if (equals > 0) {
          fields.put(
              URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8),
              URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
        }
      }
    }
    return fields;
  }
}
