package io.bulwark.reliability.autoconfigure;

import io.bulwark.reliability.transaction.Transactions;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionException;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The kit's {@link Transactions} port on a Spring transaction manager: work that the service's own
 * {@code @Transactional} methods join.
 */
public final class SpringTransactions implements Transactions {

  private final TransactionTemplate template;

  public SpringTransactions(PlatformTransactionManager transactionManager) {
    this.template = new TransactionTemplate(transactionManager);
  }

  @Override
  public void inTransaction(Work work) {
    try {
      template.executeWithoutResult(
          status ->
              work.run(
                  new Transaction() {
                    @Override
                    public boolean isRollbackOnly() {
                      return status.isRollbackOnly();
                    }

                    @Override
                    public void setRollbackOnly() {
                      status.setRollbackOnly();
                    }
                  }));
    } catch (TransactionException e) {
      throw new TransactionFailedException(e);
    }
  }
}
