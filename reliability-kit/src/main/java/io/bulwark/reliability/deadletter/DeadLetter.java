package io.bulwark.reliability.deadletter;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A record a consumer gave up on: where it came from, what it is (event id, type and correlation id
 * when the payload is a readable event), how it failed, the raw payload, what an operator has done
 * with it since, and the trace context the record carried (empty when it carried none).
 *
 * @param attempts deliveries that failed, over every time it was dead-lettered or redriven
 * @param timesDeadLettered how often the record reached the dead-letter topic
 */
public record DeadLetter(
    long id,
    Source source,
    @Nullable String key,
    @Nullable UUID eventId,
    @Nullable String eventType,
    @Nullable String correlationId,
    Failure failure,
    int attempts,
    int timesDeadLettered,
    byte[] payload,
    Status status,
    @Nullable Resolution resolution,
    Map<String, String> traceContext) {

  /** An open record may be redriven or discarded; a redriven one may be redriven again. */
  public enum Status {
    OPEN,
    REDRIVEN,
    DISCARDED
  }

  /** The original record's place, and the dead-letter record's. */
  public record Source(
      String topic,
      @Nullable Integer partition,
      @Nullable Long offset,
      @Nullable String consumerGroup,
      String deadLetterTopic,
      int deadLetterPartition,
      long deadLetterOffset) {}

  /** The last failure, and when the first and the last happened. */
  public record Failure(
      @Nullable String exceptionClass,
      @Nullable String message,
      Instant firstFailedAt,
      Instant lastFailedAt) {}

  /** What an operator did: redriven with an outcome, or discarded by someone for a reason. */
  public record Resolution(
      Instant at, @Nullable String outcome, @Nullable String by, @Nullable String reason) {}
}
