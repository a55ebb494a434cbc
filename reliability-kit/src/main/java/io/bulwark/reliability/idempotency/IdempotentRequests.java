package io.bulwark.reliability.idempotency;

import io.bulwark.reliability.failover.TransientFailures;
import io.bulwark.reliability.idempotency.IdempotencyKeys.Decision;
import io.bulwark.reliability.transaction.Transactions;
import io.bulwark.reliability.transaction.Transactions.TransactionFailedException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one keyed request at most once in effect. The key's lock, the request's effect and the
 * stored response share one transaction ({@link Transactions}), and the answer leaves only after
 * the commit: a client that saw no answer retries with the same key and gets the outcome that was
 * committed, or a first execution if nothing was.
 *
 * <ul>
 *   <li>a key whose first request completed is answered from one read, before any transaction or
 *       lock: {@link Result.Replayed} for the same request, {@link Result.Mismatched} for another;
 *   <li>a key whose first request is still in flight: {@link Result.InFlight};
 *   <li>otherwise the action runs, and its {@link Outcome} decides: a success commits with the
 *       response to replay; a refusal commits and stores nothing, so a corrected request may use
 *       the key; a failure rolls back and stores nothing, so a retry acts afresh;
 *   <li>a transient database failure before the commit (a failover: the connection lost, a standby
 *       reached), or an action that failed transiently, rolled everything back: the action runs
 *       again, up to {@link Settings#attempts} times in all;
 *   <li>a transaction that cannot be had, or a commit whose outcome is unknown: {@link
 *       Result.Unavailable}, to be retried with the same key, which finds the stored response if
 *       the commit did happen.
 * </ul>
 */
public final class IdempotentRequests {

  private static final Logger log = LoggerFactory.getLogger(IdempotentRequests.class);

  /**
   * @param attempts how often an action whose transaction failed transiently before its commit runs
   *     in all
   * @param retryPause the pause before the second attempt; the n-th retry waits n times as long
   */
  public record Settings(int attempts, Duration retryPause) {
    public Settings {
      if (attempts < 1) {
        throw new IllegalArgumentException("attempts must be positive: " + attempts);
      }
      Objects.requireNonNull(retryPause, "retryPause");
    }
  }

  /** What one attempt of the request's action produced, and what becomes of its transaction. */
  public sealed interface Outcome<R> {
    R response();

    /** The effect succeeded: commit it with the response every retry with the key gets back. */
    record Succeeded<R>(R response, StoredResponse stored) implements Outcome<R> {}

    /** The request was refused and had no effect: commit, store nothing. */
    record Refused<R>(R response) implements Outcome<R> {}

    /**
     * The effect failed: roll back, store nothing. A transient failure (the database failed under
     * the action) runs the action again while attempts remain.
     */
    record Failed<R>(R response, boolean isTransient) implements Outcome<R> {}
  }

  /** The request's effect, run in the key's transaction. */
  @FunctionalInterface
  public interface Action<R> {
    /**
     * @param attempt 1 for the first run; a later attempt follows one that was rolled back
     */
    Outcome<R> attempt(int attempt);
  }

  /** The answer to a keyed request. */
  public sealed interface Result<R> {
    /** The action ran: the response of its last attempt. */
    record Executed<R>(R response) implements Result<R> {}

    /** The same request was answered before: this is its response. */
    record Replayed<R>(StoredResponse response) implements Result<R> {}

    /** The key was used for a different request. */
    record Mismatched<R>() implements Result<R> {}

    /** The first request with this key has not finished. */
    record InFlight<R>() implements Result<R> {}

    /**
     * No transaction could be had, or its commit failed: nothing was done, or, when {@code
     * outcomeUnknown}, the effect may or may not have been committed.
     */
    record Unavailable<R>(boolean outcomeUnknown, RuntimeException cause) implements Result<R> {}
  }

  private final IdempotencyKeys keys;
  private final Transactions transactions;
  private final Settings settings;

  public IdempotentRequests(IdempotencyKeys keys, Transactions transactions, Settings settings) {
    this.keys = keys;
    this.transactions = transactions;
    this.settings = settings;
  }

  public <R> Result<R> execute(KeyedRequest request, Action<R> action) {
    Optional<Decision> completed = completedOrEmpty(request);
    if (completed.isPresent()) {
      return answer(completed.get());
    }
    for (int number = 1; ; number++) {
      Attempt<R> attempt = new Attempt<>(request, action, number);
      try {
        transactions.inTransaction(attempt::run);
      } catch (TransactionFailedException e) {
        if (!attempt.committing && TransientFailures.isTransient(e) && number < settings.attempts) {
          pause(number);
          continue;
        }
        return new Result.Unavailable<>(attempt.committing, e);
      }
      if (attempt.outcome instanceof Outcome.Failed<R> failed
          && failed.isTransient()
          && number < settings.attempts) {
        pause(number);
        continue;
      }
      return attempt.outcome != null
          ? new Result.Executed<>(attempt.outcome.response())
          : answer(java.util.Objects.requireNonNull(attempt.decision, "a run decides"));
    }
  }

  /** One run of the action in its own transaction, and how far it got. */
  private final class Attempt<R> {
    private final KeyedRequest request;
    private final Action<R> action;
    private final int number;
    private @Nullable Decision decision;
    private @Nullable Outcome<R> outcome;

    /** Whether the work ended and its transaction is to commit: only then is a failure unknown. */
    private boolean committing;

    Attempt(KeyedRequest request, Action<R> action, int number) {
      this.request = request;
      this.action = action;
      this.number = number;
    }

    void run(Transactions.Transaction transaction) {
      decision = keys.begin(request.scope(), request.key(), request.fingerprint());
      if (decision instanceof Decision.Proceed) {
        outcome = action.attempt(number);
        if (transaction.isRollbackOnly() || outcome instanceof Outcome.Failed) {
          transaction.setRollbackOnly();
          return;
        }
        if (outcome instanceof Outcome.Succeeded<R> succeeded) {
          keys.complete(request.scope(), request.key(), request.fingerprint(), succeeded.stored());
        }
      }
      committing = true;
    }
  }

  /**
   * A key whose first request completed is answered from one read, before any transaction or lock.
   * If that read fails (a failover), the transactional path decides, with its retries.
   */
  private Optional<Decision> completedOrEmpty(KeyedRequest request) {
    try {
      return keys.completed(request.scope(), request.key(), request.fingerprint());
    } catch (RuntimeException e) {
      log.debug("idempotency key lookup failed, deciding in the transaction: {}", e.toString());
      return Optional.empty();
    }
  }

  private static <R> Result<R> answer(Decision decision) {
    if (decision instanceof Decision.Replay replay) {
      return new Result.Replayed<>(replay.response());
    }
    if (decision instanceof Decision.Mismatch) {
      return new Result.Mismatched<>();
    }
    return new Result.InFlight<>();
  }

  private void pause(int attempt) {
    try {
      Thread.sleep(settings.retryPause.multipliedBy(attempt).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
