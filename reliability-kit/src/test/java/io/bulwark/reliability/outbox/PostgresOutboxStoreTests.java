package io.bulwark.reliability.outbox;

class PostgresOutboxStoreTests extends OutboxStoreContract {

  @Override
  protected OutboxStore createStore() {
    return new PostgresOutboxStore();
  }
}
