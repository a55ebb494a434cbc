package io.bulwark.reliability.outbox;

/** The broker did not acknowledge a batch; it stays unpublished and is sent again. */
public class PublishException extends RuntimeException {

  public PublishException(String message, Throwable cause) {
    super(message, cause);
  }
}
