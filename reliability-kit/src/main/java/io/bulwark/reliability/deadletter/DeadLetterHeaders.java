package io.bulwark.reliability.deadletter;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.jspecify.annotations.Nullable;

/**
 * The headers a dead-letter record carries: Spring Kafka's ({@code kafka_dlt-*}: where the record
 * came from and the exception), and the kit's own ({@value #ATTEMPTS}, {@value #FIRST_FAILED_AT}),
 * which the error handler adds because Spring's say neither how often nor since when it failed, and
 * ({@value #FAILURE_CLASS}, {@value #FAILURE_MESSAGE}) what failed in words an operator can use
 * ({@link DeadLetters#whatFailed}): what the database said rather than Spring's wrapper that
 * restates the statement.
 */
public final class DeadLetterHeaders {

  public static final String ATTEMPTS = "bulwark-attempts";
  public static final String FIRST_FAILED_AT = "bulwark-first-failed-at";
  public static final String FAILURE_CLASS = "bulwark-failure-class";
  public static final String FAILURE_MESSAGE = "bulwark-failure-message";

  static final String ORIGINAL_TOPIC = "kafka_dlt-original-topic";
  static final String ORIGINAL_PARTITION = "kafka_dlt-original-partition";
  static final String ORIGINAL_OFFSET = "kafka_dlt-original-offset";
  static final String ORIGINAL_CONSUMER_GROUP = "kafka_dlt-original-consumer-group";
  static final String EXCEPTION_CLASS = "kafka_dlt-exception-fqcn";
  static final String EXCEPTION_CAUSE_CLASS = "kafka_dlt-exception-cause-fqcn";
  static final String EXCEPTION_MESSAGE = "kafka_dlt-exception-message";

  private DeadLetterHeaders() {}

  static @Nullable String text(Headers headers, String name) {
    Header header = headers.lastHeader(name);
    return header == null || header.value() == null
        ? null
        : new String(header.value(), StandardCharsets.UTF_8);
  }

  static @Nullable Integer integer(Headers headers, String name) {
    Header header = headers.lastHeader(name);
    return header != null && header.value() != null && header.value().length == Integer.BYTES
        ? ByteBuffer.wrap(header.value()).getInt()
        : null;
  }

  static @Nullable Long longValue(Headers headers, String name) {
    Header header = headers.lastHeader(name);
    return header != null && header.value() != null && header.value().length == Long.BYTES
        ? ByteBuffer.wrap(header.value()).getLong()
        : null;
  }

  static @Nullable Instant instant(Headers headers, String name) {
    String text = text(headers, name);
    try {
      return text == null ? null : Instant.parse(text);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  static int attempts(Headers headers) {
    String text = text(headers, ATTEMPTS);
    try {
      return text == null ? 1 : Math.max(1, Integer.parseInt(text));
    } catch (NumberFormatException e) {
      return 1;
    }
  }
}
