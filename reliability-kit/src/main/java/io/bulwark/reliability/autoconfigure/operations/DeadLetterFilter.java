package io.bulwark.reliability.autoconfigure.operations;

import io.bulwark.reliability.deadletter.DeadLetter;
import io.bulwark.reliability.deadletter.DeadLetterQuery;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.convert.DurationStyle;

/**
 * The dead-letter filter as a caller writes it, in a query string or a redrive's body: {@code
 * status} ({@code OPEN} unless given; {@code ALL} for every status), {@code topic}, {@code type},
 * {@code error} (part of the exception), and ages {@code olderThan} and {@code newerThan} ({@code
 * 90s}, {@code 15m}, {@code 2h}, {@code 1d} or ISO-8601 {@code PT1H}). Anything malformed is
 * refused with what is wrong, never ignored.
 */
record DeadLetterFilter(
    @Nullable String status,
    @Nullable String topic,
    @Nullable String type,
    @Nullable String error,
    @Nullable String olderThan,
    @Nullable String newerThan) {

  private static final Pattern TOPIC = Pattern.compile("[A-Za-z0-9._-]{1,249}");
  private static final Pattern TYPE = Pattern.compile("[A-Za-z][A-Za-z0-9]{0,63}");

  DeadLetterQuery toQuery(Instant now, long afterId, int limit) {
    return new DeadLetterQuery(
        parsedStatus(),
        plain("topic", topic, TOPIC),
        plain("type", type, TYPE),
        parsedError(),
        age("olderThan", olderThan, now),
        age("newerThan", newerThan, now),
        afterId,
        limit);
  }

  boolean selectsDiscarded() {
    return parsedStatus() == DeadLetter.Status.DISCARDED;
  }

  /** The open records unless the caller asks for others; {@code ALL} is every status. */
  private DeadLetter.@Nullable Status parsedStatus() {
    if (status == null || status.isEmpty()) {
      return DeadLetter.Status.OPEN;
    }
    if (status.equalsIgnoreCase("ALL")) {
      return null;
    }
    try {
      return DeadLetter.Status.valueOf(status.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw OperationRequestException.invalid(
          "status must be OPEN, REDRIVEN, DISCARDED or ALL, not " + printable(status) + ".");
    }
  }

  private @Nullable String parsedError() {
    if (error == null || error.isEmpty()) {
      return null;
    }
    if (error.length() > 200 || error.chars().anyMatch(Character::isISOControl)) {
      throw OperationRequestException.invalid("error must be at most 200 printable characters.");
    }
    return error;
  }

  private static @Nullable String plain(String name, @Nullable String value, Pattern shape) {
    if (value == null || value.isEmpty()) {
      return null;
    }
    if (!shape.matcher(value).matches()) {
      throw OperationRequestException.invalid(
          name + " is not a plain " + name + " name: " + printable(value) + ".");
    }
    return value;
  }

  private static @Nullable Instant age(String name, @Nullable String value, Instant now) {
    if (value == null || value.isEmpty()) {
      return null;
    }
    Duration age;
    try {
      age = DurationStyle.detectAndParse(value);
    } catch (IllegalArgumentException e) {
      throw OperationRequestException.invalid(
          name
              + " must be a duration such as 90s, 15m, 2h, 1d or PT1H, not "
              + printable(value)
              + ".");
    }
    if (age.isNegative()) {
      throw OperationRequestException.invalid(name + " must not be negative.");
    }
    return now.minus(age);
  }

  static String printable(String value) {
    String shown = value.length() > 60 ? value.substring(0, 60) + "..." : value;
    return "'" + shown.replaceAll("\\p{Cntrl}", "?") + "'";
  }
}
