package io.bulwark.reliability.inbox;

import javax.sql.DataSource;
import org.springframework.jdbc.datasource.TransactionAwareDataSourceProxy;

class PostgresInboxIntegrationTests extends InboxContract {

  @Override
  protected Inbox createInbox(DataSource dataSource) {
    return new PostgresInbox(new TransactionAwareDataSourceProxy(dataSource));
  }
}
