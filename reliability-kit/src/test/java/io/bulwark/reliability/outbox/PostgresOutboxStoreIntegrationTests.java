package io.bulwark.reliability.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PostgresOutboxStoreIntegrationTests extends OutboxStoreContract {

  @Override
  protected OutboxStore createStore() {
    return new PostgresOutboxStore();
  }

  @Test
  void theRelaysReadsKeepToTheUnpublishedIndexWhileTheStatisticsStillSeeADrainedBacklog()
      throws SQLException {
    // a backlog the statistics saw unpublished, most of it published since (as after a broker
    // outage): the published rows hold the low ids, where an ordered walk of the primary key starts
    kit.jdbc.sql("ALTER TABLE bulwark.outbox SET (autovacuum_enabled = off)").update();
    kit.jdbc
        .sql(
            "INSERT INTO bulwark.outbox (event_id, topic, message_key, event_type, shard, message,"
                + " created_at) SELECT gen_random_uuid(), 't', 'k-' || g, 'Thing', g % ?, '{}',"
                + " now() FROM generate_series(1, 40000) AS g")
        .param(SHARDS)
        .update();
    kit.jdbc.sql("ANALYZE bulwark.outbox").update();
    kit.jdbc
        .sql(
            "UPDATE bulwark.outbox SET published_at = now() WHERE id IN"
                + " (SELECT id FROM bulwark.outbox ORDER BY id LIMIT 30000)")
        .update();

    try (Connection connection = transaction()) {
      assertThat(store.pendingShards(connection, SHARDS)).hasSize(SHARDS);
      assertThat(store.fetchUnpublished(connection, 1, 500)).hasSize(500);
      Map<String, Long> scans = indexScansInThisTransaction(connection);
      assertThat(scans)
          .as("index scans of the outbox by the probe and the fetch")
          .containsEntry("outbox_pkey", 0L)
          .hasEntrySatisfying("outbox_unpublished", count -> assertThat(count).isPositive());
      connection.rollback();
    }
  }

  @Test
  void theClaimingTransactionCommitsWithoutWaitingForDiskOrStandbyAndOnlyIt() throws SQLException {
    try (Connection relay = transaction()) {
      String before = setting(relay, "synchronous_commit");
      assertThat(store.tryClaim(relay, 1, Duration.ofSeconds(7))).isTrue();
      assertThat(setting(relay, "synchronous_commit")).isEqualTo("off");
      assertThat(setting(relay, "idle_in_transaction_session_timeout")).isEqualTo("7s");
      relay.commit();
      assertThat(setting(relay, "synchronous_commit"))
          .as("the next transaction on the pooled connection commits as the server says")
          .isEqualTo(before)
          .isNotEqualTo("off");
      relay.commit();
    }
  }

  private static String setting(Connection connection, String name) throws SQLException {
    try (var show = connection.prepareStatement("SELECT current_setting(?)")) {
      show.setString(1, name);
      try (var row = show.executeQuery()) {
        row.next();
        return row.getString(1);
      }
    }
  }

  private static Map<String, Long> indexScansInThisTransaction(Connection connection)
      throws SQLException {
    try (var select =
            connection.prepareStatement(
                "SELECT i.relname, pg_stat_get_xact_numscans(i.oid) FROM pg_index x"
                    + " JOIN pg_class i ON i.oid = x.indexrelid"
                    + " WHERE x.indrelid = 'bulwark.outbox'::regclass");
        var rows = select.executeQuery()) {
      Map<String, Long> scans = new HashMap<>();
      while (rows.next()) {
        scans.put(rows.getString(1), rows.getLong(2));
      }
      return scans;
    }
  }
}
