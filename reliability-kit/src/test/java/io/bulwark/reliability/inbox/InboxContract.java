package io.bulwark.reliability.inbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bulwark.reliability.KitFixture;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link Inbox} must do, as written in its Javadoc. */
abstract class InboxContract {

  protected KitFixture kit;
  protected Inbox inbox;

  protected abstract Inbox createInbox(DataSource dataSource);

  @BeforeEach
  void setUpInbox() {
    kit = new KitFixture(4);
    inbox = createInbox(kit.dataSource);
  }

  @Test
  void theFirstDeliveryIsNewAndARepeatIsNot() {
    UUID message = UUID.randomUUID();
    assertThat(inTransaction("c", message)).isTrue();
    assertThat(inTransaction("c", message)).isFalse();
    assertThat(inTransaction("another-consumer", message))
        .as("each consumer keeps its own record")
        .isTrue();
  }

  @Test
  void aRolledBackDeliveryLeavesNoRecord() {
    UUID message = UUID.randomUUID();
    assertThatThrownBy(
            () ->
                kit.transactions.executeWithoutResult(
                    status -> {
                      inbox.firstDelivery("c", message);
                      throw new IllegalStateException("the effect failed");
                    }))
        .isInstanceOf(IllegalStateException.class);
    assertThat(inTransaction("c", message)).isTrue();
  }

  @Test
  void aConcurrentDuplicateWaitsForTheFirstAndIsThenNotNew() throws Exception {
    UUID message = UUID.randomUUID();
    CountDownLatch recorded = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CompletableFuture<Boolean> first =
        CompletableFuture.supplyAsync(
            () ->
                kit.transactions.execute(
                    status -> {
                      boolean isNew = inbox.firstDelivery("c", message);
                      recorded.countDown();
                      await(release);
                      return isNew;
                    }));
    recorded.await(10, TimeUnit.SECONDS);
    CompletableFuture<Boolean> second =
        CompletableFuture.supplyAsync(() -> inTransaction("c", message));
    Thread.sleep(300);
    assertThat(second).as("blocked until the first transaction ends").isNotDone();
    release.countDown();

    assertThat(first.get(10, TimeUnit.SECONDS)).isTrue();
    assertThat(second.get(10, TimeUnit.SECONDS)).isFalse();
  }

  @Test
  void outsideATransactionItRefuses() {
    assertThatThrownBy(() -> inbox.firstDelivery("c", UUID.randomUUID()))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void purgingForgetsRecordsOlderThanTheCutOff() {
    UUID message = UUID.randomUUID();
    inTransaction("c", message);
    assertThat(inbox.purgeProcessedBefore(Instant.now().minusSeconds(60))).isZero();
    assertThat(inbox.purgeProcessedBefore(Instant.now().plusSeconds(1))).isEqualTo(1);
    assertThat(inTransaction("c", message)).isTrue();
  }

  private boolean inTransaction(String consumer, UUID message) {
    return kit.transactions.execute(status -> inbox.firstDelivery(consumer, message));
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
