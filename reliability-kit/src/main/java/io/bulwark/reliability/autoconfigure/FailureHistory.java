package io.bulwark.reliability.autoconfigure;

import io.bulwark.reliability.deadletter.DeadLetterHeaders;
import io.bulwark.reliability.deadletter.DeadLetters;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.jspecify.annotations.Nullable;
import org.springframework.kafka.listener.RetryListener;

/**
 * How often, and since when, each record now being retried has failed, so its dead letter can say
 * so ({@link DeadLetterHeaders#ATTEMPTS}, {@link DeadLetterHeaders#FIRST_FAILED_AT}). Kept in
 * memory for the records in retry: one that later succeeds is forgotten once newer failures push it
 * out; after a restart a record's count starts again.
 */
final class FailureHistory implements RetryListener {

  private static final int REMEMBERED = 10_000;

  private record Failures(Instant first, int attempts) {}

  private final Clock clock;

  private final Map<String, Failures> inRetry =
      new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Failures> eldest) {
          return size() > REMEMBERED;
        }
      };

  FailureHistory(Clock clock) {
    this.clock = clock;
  }

  @Override
  public synchronized void failedDelivery(
      ConsumerRecord<?, ?> record, @Nullable Exception failure, int deliveryAttempt) {
    Failures before = inRetry.get(key(record));
    inRetry.put(
        key(record),
        new Failures(before == null ? clock.instant() : before.first(), deliveryAttempt));
  }

  @Override
  public synchronized void recovered(ConsumerRecord<?, ?> record, @Nullable Exception failure) {
    inRetry.remove(key(record));
  }

  /** The headers the record's dead letter gets; forgets the record. */
  synchronized Headers deadLetterHeaders(ConsumerRecord<?, ?> record, Exception exception) {
    Failures failures = inRetry.remove(key(record));
    Headers headers = new RecordHeaders();
    Throwable failure = DeadLetters.whatFailed(exception);
    headers.add(
        DeadLetterHeaders.FAILURE_CLASS,
        failure.getClass().getName().getBytes(StandardCharsets.UTF_8));
    headers.add(
        DeadLetterHeaders.FAILURE_MESSAGE,
        String.valueOf(failure.getMessage()).getBytes(StandardCharsets.UTF_8));
    headers.add(
        DeadLetterHeaders.ATTEMPTS,
        String.valueOf(failures == null ? 1 : failures.attempts())
            .getBytes(StandardCharsets.UTF_8));
    headers.add(
        DeadLetterHeaders.FIRST_FAILED_AT,
        (failures == null ? clock.instant() : failures.first())
            .toString()
            .getBytes(StandardCharsets.UTF_8));
    return headers;
  }

  private static String key(ConsumerRecord<?, ?> record) {
    return record.topic() + "-" + record.partition() + "@" + record.offset();
  }
}
