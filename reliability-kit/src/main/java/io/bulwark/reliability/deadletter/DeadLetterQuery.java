package io.bulwark.reliability.deadletter;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * Which dead letters to list or redrive; every criterion is optional and they all must hold.
 *
 * @param topic the original topic
 * @param type the event type
 * @param error part of the exception's class or message, any case
 * @param failedBefore last failed before this instant (older than an age)
 * @param failedAfter last failed after this instant (younger than an age)
 * @param afterId the page cursor: only records with a greater id
 */
public record DeadLetterQuery(
    DeadLetter.@Nullable Status status,
    @Nullable String topic,
    @Nullable String type,
    @Nullable String error,
    @Nullable Instant failedBefore,
    @Nullable Instant failedAfter,
    long afterId,
    int limit) {

  public DeadLetterQuery {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be positive: " + limit);
    }
  }

  /** Every record, in pages of {@code limit}. */
  public static DeadLetterQuery all(int limit) {
    return new DeadLetterQuery(null, null, null, null, null, null, 0, limit);
  }

  public DeadLetterQuery after(long id) {
    return new DeadLetterQuery(status, topic, type, error, failedBefore, failedAfter, id, limit);
  }

  /** What it selects, for a job's description and the audit log. */
  public String describe() {
    StringBuilder text = new StringBuilder();
    append(text, "status", status);
    append(text, "topic", topic);
    append(text, "type", type);
    append(text, "error", error);
    append(text, "failedBefore", failedBefore);
    append(text, "failedAfter", failedAfter);
    return text.isEmpty() ? "all" : text.toString();
  }

  private static void append(StringBuilder text, String name, @Nullable Object value) {
    if (value != null) {
      text.append(text.isEmpty() ? "" : " ").append(name).append('=').append(value);
    }
  }
}
