package io.bulwark.reliability.idempotency;

import javax.sql.DataSource;
import org.springframework.jdbc.datasource.TransactionAwareDataSourceProxy;

class PostgresIdempotencyKeyStoreIntegrationTests extends IdempotencyKeyStoreContract {

  @Override
  protected IdempotencyKeyStore createStore(DataSource dataSource) {
    return new PostgresIdempotencyKeyStore(new TransactionAwareDataSourceProxy(dataSource));
  }
}
