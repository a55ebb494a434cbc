package io.bulwark.reliability.autoconfigure.web;

import io.bulwark.reliability.web.Problems;
import java.io.IOException;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.jspecify.annotations.Nullable;

/**
 * Tomcat's error report as RFC 9457 problem+json instead of its HTML page, for the errors Tomcat
 * answers before any filter runs: a path with an encoded backslash, a header too large, a broken
 * request line. Nothing about the server or the failure is told.
 */
public class ProblemReportValve extends ErrorReportValve {

  @Override
  protected void report(Request request, Response response, @Nullable Throwable failure) {
    int status = response.getStatus();
    if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
      return;
    }
    try {
      response.resetBuffer();
      Problems.write(
          response,
          status,
          status < 500 ? "Bad request" : "Server error",
          status < 500
              ? "The request could not be read: its line or headers are malformed or too large."
              : "The server could not answer this request.");
      response.finishResponse();
    } catch (IOException | IllegalStateException e) {
      // the connection is gone; nothing more can be told
    }
  }
}
