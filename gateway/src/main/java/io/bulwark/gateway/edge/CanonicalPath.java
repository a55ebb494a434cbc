package io.bulwark.gateway.edge;

import java.util.Optional;

/**
 * The one path every edge check and every route sees. Percent-encoded unreserved characters are
 * decoded ({@code /%61pi} is {@code /api}), path parameters are dropped ({@code /api;x=1} is {@code
 * /api}, as the routes match it), and other escapes are kept in upper case. A path that could be
 * read two ways is refused: an encoded slash, backslash or percent sign, a dot segment, an empty
 * segment inside the path, a control character or a broken escape.
 */
final class CanonicalPath {

  private CanonicalPath() {}

  /** The canonical form of a raw request path, or empty if it is ambiguous. */
  static Optional<String> of(String raw) {
    if (raw.isEmpty() || raw.charAt(0) != '/') {
      return Optional.empty();
    }
    String[] segments = raw.substring(1).split("/", -1);
    StringBuilder path = new StringBuilder();
    for (int i = 0; i < segments.length; i++) {
      String segment = segments[i];
      int parameters = segment.indexOf(';');
      if (parameters >= 0) {
        segment = segment.substring(0, parameters);
      }
      boolean last = i == segments.length - 1;
      if (segment.isEmpty() && !last) {
        return Optional.empty(); // "//" or "/;x/": which segment is meant?
      }
      Optional<String> canonical = segment(segment);
      if (canonical.isEmpty()) {
        return Optional.empty();
      }
      String decoded = canonical.get();
      if (decoded.equals(".") || decoded.equals("..")) {
        return Optional.empty();
      }
      path.append('/').append(decoded);
    }
    return Optional.of(path.toString());
  }

  private static Optional<String> segment(String segment) {
    StringBuilder out = new StringBuilder(segment.length());
    for (int i = 0; i < segment.length(); i++) {
      char c = segment.charAt(i);
      if (c == '%') {
        if (i + 2 >= segment.length()) {
          return Optional.empty();
        }
        int high = Character.digit(segment.charAt(i + 1), 16);
        int low = Character.digit(segment.charAt(i + 2), 16);
        if (high < 0 || low < 0) {
          return Optional.empty();
        }
        int value = high * 16 + low;
        if (value == '/'
            || value == '\\'
            || value == '%'
            || value == ';'
            || value < 0x20
            || value == 0x7f) {
          return Optional.empty();
        }
        if (isUnreserved(value)) {
          out.append((char) value);
        } else {
          out.append('%')
              .append(Character.toUpperCase(segment.charAt(i + 1)))
              .append(Character.toUpperCase(segment.charAt(i + 2)));
        }
        i += 2;
      } else if (c == '\\' || c < 0x20 || c == 0x7f) {
        return Optional.empty();
      } else {
        out.append(c);
      }
    }
    return Optional.of(out.toString());
  }

  private static boolean isUnreserved(int c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '-'
        || c == '.'
        || c == '_'
        || c == '~';
  }
}
