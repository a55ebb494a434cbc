package io.bulwark.reliability.inbox;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * {@link Inbox} on PostgreSQL: an insert that does nothing on conflict with the primary key
 * (consumer, message id). The data source must hand out the caller's transactional connection.
 */
public final class PostgresInbox implements Inbox {

  private final DataSource transactionalDataSource;

  public PostgresInbox(DataSource transactionalDataSource) {
    this.transactionalDataSource = transactionalDataSource;
  }

  @Override
  public boolean firstDelivery(String consumer, UUID messageId) {
    try (Connection connection = transactionalDataSource.getConnection()) {
      if (connection.getAutoCommit()) {
        throw new IllegalStateException(
            "Inbox.firstDelivery needs the transaction that applies the message's effect");
      }
      try (PreparedStatement insert =
          connection.prepareStatement(
              "INSERT INTO bulwark.inbox (consumer, message_id) VALUES (?, ?)"
                  + " ON CONFLICT DO NOTHING")) {
        insert.setString(1, consumer);
        insert.setObject(2, messageId);
        return insert.executeUpdate() == 1;
      }
    } catch (SQLException e) {
      throw new IllegalStateException("inbox unavailable", e);
    }
  }

  @Override
  public int purgeProcessedBefore(Instant cutOff) {
    try (Connection connection = transactionalDataSource.getConnection();
        PreparedStatement delete =
            connection.prepareStatement("DELETE FROM bulwark.inbox WHERE processed_at < ?")) {
      delete.setTimestamp(1, Timestamp.from(cutOff));
      return delete.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException("inbox unavailable", e);
    }
  }
}
