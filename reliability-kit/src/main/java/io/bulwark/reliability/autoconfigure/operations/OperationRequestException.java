package io.bulwark.reliability.autoconfigure.operations;

import org.springframework.http.HttpStatus;

/** An operation refused for the caller's request: a malformed filter, an unknown record. */
public final class OperationRequestException extends RuntimeException {

  private final HttpStatus status;
  private final String title;

  OperationRequestException(HttpStatus status, String title, String detail) {
    super(detail);
    this.status = status;
    this.title = title;
  }

  public static OperationRequestException invalid(String detail) {
    return new OperationRequestException(HttpStatus.BAD_REQUEST, "Invalid request", detail);
  }

  public static OperationRequestException notFound(String what) {
    return new OperationRequestException(HttpStatus.NOT_FOUND, "Not found", "No " + what + ".");
  }

  public static OperationRequestException conflict(String title, String detail) {
    return new OperationRequestException(HttpStatus.CONFLICT, title, detail);
  }

  HttpStatus status() {
    return status;
  }

  String title() {
    return title;
  }
}
