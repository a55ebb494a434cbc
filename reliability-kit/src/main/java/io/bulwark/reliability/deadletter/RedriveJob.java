package io.bulwark.reliability.deadletter;

import java.time.Instant;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A redrive's progress: how many of its records are done, with how many of each outcome.
 *
 * @param outcomes records per outcome ({@code PENDING}, {@code APPLIED}, {@code DUPLICATE}, {@code
 *     IGNORED}, {@code FAILED}, {@code SKIPPED})
 */
public record RedriveJob(
    long id,
    String requestedBy,
    Instant requestedAt,
    String description,
    int ratePerSecond,
    int total,
    Map<String, Integer> outcomes,
    Status status,
    @Nullable Instant finishedAt) {

  /** A job runs until every one of its records has an outcome. */
  public enum Status {
    RUNNING,
    DONE
  }

  public int done() {
    return total - outcomes.getOrDefault("PENDING", 0);
  }
}
