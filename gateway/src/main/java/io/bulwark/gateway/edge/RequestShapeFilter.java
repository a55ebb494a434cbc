package io.bulwark.gateway.edge;

import io.bulwark.reliability.web.CachedBodyRequest;
import io.bulwark.reliability.web.Problems;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses, before anything reaches a service, an API request whose body is too large ({@code 413})
 * or is not JSON ({@code 415}). A body without a declared length is read up to the limit.
 */
final class RequestShapeFilter extends OncePerRequestFilter {

  private final long maxBodySize;

  RequestShapeFilter(long maxBodySize) {
    this.maxBodySize = maxBodySize;
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    String method = request.getMethod();
    return !request.getRequestURI().startsWith("/api/")
        || !(method.equals("POST") || method.equals("PUT") || method.equals("PATCH"));
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    long declared = request.getContentLengthLong();
    if (declared > maxBodySize) {
      tooLarge(response);
      return;
    }
    byte[] body = request.getInputStream().readNBytes((int) maxBodySize + 1);
    if (body.length > maxBodySize) {
      tooLarge(response);
      return;
    }
    if (body.length > 0 && !isJson(request.getContentType())) {
      Problems.write(
          response, 415, "Unsupported media type", "Request bodies must be application/json.");
      return;
    }
    chain.doFilter(new CachedBodyRequest(request, body), response);
  }

  private void tooLarge(HttpServletResponse response) throws IOException {
    Problems.write(
        response,
        413,
        "Request body too large",
        "The body may have at most " + maxBodySize + " bytes.");
  }

  private static boolean isJson(String contentType) {
    if (contentType == null) {
      return false;
    }
    try {
      MediaType type = MediaType.parseMediaType(contentType);
      if (type.isWildcardType() || type.isWildcardSubtype()) {
        return false; // a body has one concrete type; a wildcard says nothing about it
      }
      return MediaType.APPLICATION_JSON.isCompatibleWith(type)
          || type.getSubtype().endsWith("+json");
    } catch (InvalidMediaTypeException e) {
      return false;
    }
  }
}
