package io.bulwark.reliability.idempotency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bulwark.reliability.KitFixture;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link IdempotencyKeyStore} must do, as written in its Javadoc. */
abstract class IdempotencyKeyStoreContract {

  private static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");

  protected KitFixture kit;
  protected IdempotencyKeyStore store;

  protected abstract IdempotencyKeyStore createStore(DataSource dataSource);

  @BeforeEach
  void setUpStore() {
    kit = new KitFixture(4);
    store = createStore(kit.dataSource);
  }

  @Test
  void aKeyLockedByOneTransactionCannotBeLockedByAnotherUntilItEnds() throws Exception {
    OpenTransaction holder = openTransaction(() -> assertThat(store.tryLock("s", "k")).isTrue());

    assertThat(inTransaction(() -> store.tryLock("s", "k"))).isFalse();
    assertThat(inTransaction(() -> store.tryLock("other-scope", "k"))).isTrue();
    holder.end();
    assertThat(inTransaction(() -> store.tryLock("s", "k"))).isTrue();
  }

  @Test
  void aSavedRecordIsFoundUntilItExpires() {
    IdempotencyKeyStore.Record record = record(NOW.plusSeconds(60));
    kit.transactions.executeWithoutResult(status -> store.save("s", "k", record));

    var found = inTransaction(() -> store.find("s", "k", NOW));
    assertThat(found).isPresent();
    assertThat(found.get().response()).isEqualTo(record.response());
    assertThat(found.get().fingerprint()).isEqualTo(record.fingerprint());
    assertThat(inTransaction(() -> store.find("s", "k", NOW.plusSeconds(61)))).isEmpty();
  }

  @Test
  void aRolledBackSaveLeavesNoRecord() {
    assertThatThrownBy(
            () ->
                kit.transactions.executeWithoutResult(
                    status -> {
                      store.save("s", "rolled-back", record(NOW.plusSeconds(60)));
                      throw new IllegalStateException("the effect failed");
                    }))
        .isInstanceOf(IllegalStateException.class);

    assertThat(inTransaction(() -> store.find("s", "rolled-back", NOW))).isEmpty();
  }

  @Test
  void savingOverAnExpiredRecordReplacesIt() {
    kit.transactions.executeWithoutResult(status -> store.save("s", "k", record(NOW)));
    IdempotencyKeyStore.Record fresh =
        new IdempotencyKeyStore.Record(
            new byte[] {9}, new StoredResponse(200, Map.of(), new byte[] {1}), NOW.plusSeconds(60));

    kit.transactions.executeWithoutResult(status -> store.save("s", "k", fresh));

    assertThat(inTransaction(() -> store.find("s", "k", NOW.plusSeconds(1))).get().fingerprint())
        .containsExactly(9);
  }

  @Test
  void purgingDeletesOnlyExpiredRecords() {
    kit.transactions.executeWithoutResult(
        status -> {
          store.save("s", "old", record(NOW.minusSeconds(1)));
          store.save("s", "live", record(NOW.plusSeconds(60)));
        });

    assertThat(store.purgeExpired(NOW, 100)).isEqualTo(1);
    assertThat(inTransaction(() -> store.find("s", "live", NOW))).isPresent();
  }

  @Test
  void outsideATransactionItRefusesToLockOrSave() {
    assertThatThrownBy(() -> store.tryLock("s", "k")).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> store.save("s", "k", record(NOW.plusSeconds(60))))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void outsideATransactionFindSeesCommittedRecordsOnly() throws Exception {
    kit.transactions.executeWithoutResult(
        status -> store.save("s", "committed", record(NOW.plusSeconds(60))));
    OpenTransaction uncommitted =
        openTransaction(() -> store.save("s", "in-flight", record(NOW.plusSeconds(60))));

    assertThat(store.find("s", "committed", NOW)).isPresent();
    assertThat(store.find("s", "in-flight", NOW)).isEmpty();
    uncommitted.end();
    assertThat(store.find("s", "in-flight", NOW)).isPresent();
  }

  private static IdempotencyKeyStore.Record record(Instant expiresAt) {
    return new IdempotencyKeyStore.Record(
        new byte[] {1, 2, 3},
        new StoredResponse(201, Map.of("Location", "/x/1"), "{\"id\":1}".getBytes()),
        expiresAt);
  }

  /** A transaction on another thread, kept open after its work until {@link #end}. */
  private interface OpenTransaction {
    /** Lets the transaction commit, and waits for it. */
    void end() throws Exception;
  }

  private OpenTransaction openTransaction(Runnable work) throws InterruptedException {
    CountDownLatch done = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CompletableFuture<Void> holder =
        CompletableFuture.runAsync(
            () ->
                kit.transactions.executeWithoutResult(
                    status -> {
                      work.run();
                      done.countDown();
                      await(release);
                    }));
    assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
    return () -> {
      release.countDown();
      holder.get(10, TimeUnit.SECONDS);
    };
  }

  private <T> T inTransaction(java.util.function.Supplier<T> work) {
    return kit.transactions.execute(status -> work.get());
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
