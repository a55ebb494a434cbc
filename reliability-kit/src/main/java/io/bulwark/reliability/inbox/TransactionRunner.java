package io.bulwark.reliability.inbox;

/** Runs work in one database transaction: commits if it returns, rolls back if it throws. */
@FunctionalInterface
public interface TransactionRunner {

  void inTransaction(Runnable work);
}
