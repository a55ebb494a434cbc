package io.bulwark.reliability.autoconfigure.web;

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
 * Refuses with {@code 415} a request whose {@code Content-Type} is not a concrete media type (a
 * wildcard such as {@code *}{@code /*}, or unparsable), before any handler tries to read the body.
 */
class ContentTypeGuard extends OncePerRequestFilter {

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    String contentType = request.getContentType();
    if (contentType != null && !isConcrete(contentType)) {
      Problems.write(
          response,
          415,
          "Unsupported media type",
          "The Content-Type must be a concrete media type, such as application/json.");
      return;
    }
    chain.doFilter(request, response);
  }

  private static boolean isConcrete(String contentType) {
    try {
      MediaType type = MediaType.parseMediaType(contentType);
      return !type.isWildcardType() && !type.isWildcardSubtype();
    } catch (InvalidMediaTypeException e) {
      return false;
    }
  }
}
