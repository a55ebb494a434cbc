package io.bulwark.order.ordering;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

/**
 * Where a page of a customer's orders ends: the last order's creation time and id, the keys the
 * listing is sorted by. Opaque to clients; one that does not decode is the client's mistake.
 */
record OrderCursor(Instant createdAt, UUID id) {

  static OrderCursor after(Order order) {
    return new OrderCursor(order.createdAt(), order.id());
  }

  String encode() {
    String plain = createdAt.getEpochSecond() + "." + createdAt.getNano() + "." + id;
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(plain.getBytes(StandardCharsets.UTF_8));
  }

  static OrderCursor decode(String cursor) {
    try {
      String[] parts =
          new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split("\\.", 3);
      return new OrderCursor(
          Instant.ofEpochSecond(Long.parseLong(parts[0]), Long.parseLong(parts[1])),
          UUID.fromString(parts[2]));
    } catch (RuntimeException e) {
      throw new InvalidCursorException();
    }
  }

  /** A cursor this service did not hand out. */
  static final class InvalidCursorException extends RuntimeException {
    InvalidCursorException() {
      super("The cursor is not one this service handed out.");
    }
  }
}
