package io.bulwark.reliability.outbox;

import org.jspecify.annotations.Nullable;

/** The broker did not acknowledge a batch; it stays unpublished and is sent again. */
public class PublishException extends RuntimeException {

  public PublishException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
