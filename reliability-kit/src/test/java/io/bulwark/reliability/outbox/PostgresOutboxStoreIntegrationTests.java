package io.bulwark.reliability.outbox;

class PostgresOutboxStoreIntegrationTests extends OutboxStoreContract {

  @Override
  protected OutboxStore createStore() {
    return new PostgresOutboxStore();
  }
}
