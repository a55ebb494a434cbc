package io.bulwark.reliability.event;

/**
 * A message that can never be processed as it is: not JSON, not an envelope, or a payload that does
 * not fit the schema its type and version name. Retrying cannot help, so consumers send such a
 * message to the dead-letter topic at once.
 */
public class MalformedEventException extends RuntimeException {

  public MalformedEventException(String message, Throwable cause) {
    super(message, cause);
  }

  public MalformedEventException(String message) {
    super(message);
  }
}
