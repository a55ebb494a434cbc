package io.bulwark.reliability.idempotency;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@link IdempotencyKeyStore} on PostgreSQL ({@code bulwark.idempotency_key}). The in-flight lock
 * is a transaction-scoped advisory lock on a hash of scope and key. The data source must hand out
 * the caller's transactional connection; outside a transaction, {@link #find} reads with a
 * connection of its own.
 */
public final class PostgresIdempotencyKeyStore implements IdempotencyKeyStore {

  static final int LOCK_SPACE = 0x0B17_1D3B;
  private static final JsonMapper JSON = JsonMapper.shared();
  private static final TypeReference<LinkedHashMap<String, String>> HEADERS =
      new TypeReference<>() {};

  private final DataSource transactionalDataSource;

  public PostgresIdempotencyKeyStore(DataSource transactionalDataSource) {
    this.transactionalDataSource = transactionalDataSource;
  }

  @Override
  public boolean tryLock(String scope, String key) {
    try (Connection connection = transactional();
        PreparedStatement lock =
            connection.prepareStatement(
                "SELECT pg_try_advisory_xact_lock(?, hashtext(? || chr(31) || ?))")) {
      lock.setInt(1, LOCK_SPACE);
      lock.setString(2, scope);
      lock.setString(3, key);
      try (ResultSet result = lock.executeQuery()) {
        result.next();
        return result.getBoolean(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("idempotency keys unavailable", e);
    }
  }

  @Override
  public Optional<Record> find(String scope, String key, Instant now) {
    try (Connection connection = transactionalDataSource.getConnection();
        PreparedStatement select =
            connection.prepareStatement(
                "SELECT fingerprint, status, headers::text, body, expires_at"
                    + " FROM bulwark.idempotency_key WHERE scope = ? AND key = ?"
                    + " AND expires_at > ?")) {
      select.setString(1, scope);
      select.setString(2, key);
      select.setTimestamp(3, Timestamp.from(now));
      try (ResultSet row = select.executeQuery()) {
        if (!row.next()) {
          return Optional.empty();
        }
        Map<String, String> headers = JSON.readValue(row.getString(3), HEADERS);
        return Optional.of(
            new Record(
                row.getBytes(1),
                new StoredResponse(row.getInt(2), headers, row.getBytes(4)),
                row.getTimestamp(5).toInstant()));
      }
    } catch (SQLException e) {
      throw new IllegalStateException("idempotency keys unavailable", e);
    }
  }

  @Override
  public void save(String scope, String key, Record record) {
    try (Connection connection = transactional();
        PreparedStatement upsert =
            connection.prepareStatement(
                "INSERT INTO bulwark.idempotency_key (scope, key, fingerprint, status, headers,"
                    + " body, expires_at) VALUES (?, ?, ?, ?, ?::jsonb, ?, ?)"
                    + " ON CONFLICT (scope, key) DO UPDATE SET fingerprint = excluded.fingerprint,"
                    + " status = excluded.status, headers = excluded.headers,"
                    + " body = excluded.body, created_at = now(),"
                    + " expires_at = excluded.expires_at")) {
      upsert.setString(1, scope);
      upsert.setString(2, key);
      upsert.setBytes(3, record.fingerprint());
      upsert.setInt(4, record.response().status());
      upsert.setString(5, JSON.writeValueAsString(record.response().headers()));
      upsert.setBytes(6, record.response().body());
      upsert.setTimestamp(7, Timestamp.from(record.expiresAt()));
      upsert.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException("idempotency keys unavailable", e);
    }
  }

  @Override
  public int purgeExpired(Instant now, int limit) {
    try (Connection connection = transactionalDataSource.getConnection();
        PreparedStatement delete =
            connection.prepareStatement(
                "DELETE FROM bulwark.idempotency_key WHERE ctid IN (SELECT ctid FROM"
                    + " bulwark.idempotency_key WHERE expires_at <= ? LIMIT ?)")) {
      delete.setTimestamp(1, Timestamp.from(now));
      delete.setInt(2, limit);
      return delete.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException("idempotency keys unavailable", e);
    }
  }

  private Connection transactional() throws SQLException {
    Connection connection = transactionalDataSource.getConnection();
    if (connection.getAutoCommit()) {
      connection.close();
      throw new IllegalStateException(
          "idempotency keys must be used in the transaction of the request's effect");
    }
    return connection;
  }
}
