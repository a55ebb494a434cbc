package io.bulwark.gateway.edge;

import io.bulwark.reliability.web.Problems;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * First at the edge: replaces the request's path with its {@link CanonicalPath}, so that the rate
 * limit, the body checks, the authorization rules, the routes and the service behind all see the
 * same path; refuses an ambiguous one with {@code 400}.
 */
final class CanonicalPathFilter extends OncePerRequestFilter {

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    String raw = request.getRequestURI();
    Optional<String> canonical = CanonicalPath.of(raw);
    if (canonical.isEmpty()) {
      Problems.write(
          response,
          400,
          "Ambiguous path",
          "The path has an encoded separator, a dot segment, an empty segment or a broken escape.");
      return;
    }
    String path = canonical.get();
    chain.doFilter(path.equals(raw) ? request : new Canonical(request, path), response);
  }

  /** The request as if it had been sent with the canonical path. */
  private static final class Canonical extends HttpServletRequestWrapper {
    private final String path;
    private final String decoded;

    Canonical(HttpServletRequest request, String path) {
      super(request);
      this.path = path;
      this.decoded = URLDecoder.decode(path.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    @Override
    public String getRequestURI() {
      return path;
    }

    @Override
    public StringBuffer getRequestURL() {
      StringBuffer url = new StringBuffer();
      url.append(getScheme()).append("://").append(getServerName());
      int port = getServerPort();
      if (!(("http".equals(getScheme()) && port == 80)
          || ("https".equals(getScheme()) && port == 443))) {
        url.append(':').append(port);
      }
      return url.append(path);
    }

    @Override
    public String getServletPath() {
      return decoded;
    }

    @Override
    public @Nullable String getPathInfo() {
      return null;
    }
  }
}
