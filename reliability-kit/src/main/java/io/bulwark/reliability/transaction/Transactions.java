package io.bulwark.reliability.transaction;

/**
 * The kit's one transaction port: an idempotent consumer's inbox row and its effect, and a keyed
 * request's lock, effect and stored response, each share the one transaction it opens. With Spring
 * it is {@code SpringTransactions} on the service's transaction manager.
 *
 * <p>Contract: {@link #inTransaction} runs the work in a new transaction. If the work returns and
 * did not call {@link Transaction#setRollbackOnly}, and nothing else marked the transaction
 * rollback-only, it commits; otherwise it rolls back. An exception of the work rolls back and
 * propagates unchanged. A failure of the transaction itself (it could not begin, commit or roll
 * back) is thrown as {@link TransactionFailedException} with the original failure as its cause.
 */
@FunctionalInterface
public interface Transactions {

  void inTransaction(Work work);

  /** What runs in the transaction. */
  @FunctionalInterface
  interface Work {
    void run(Transaction transaction);
  }

  /** The open transaction, as the work sees it. */
  interface Transaction {
    /** Whether something the work called (a nested transactional method) doomed it. */
    boolean isRollbackOnly();

    void setRollbackOnly();
  }

  /** The transaction could not begin, commit or roll back. */
  final class TransactionFailedException extends RuntimeException {
    public TransactionFailedException(RuntimeException cause) {
      super(cause.getMessage(), cause);
    }
  }
}
