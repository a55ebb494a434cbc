package io.bulwark.reliability.outbox;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.SortedMap;
import org.jspecify.annotations.Nullable;

/**
 * The relay's view of the outbox table. Every method works on the connection it is given and never
 * commits: the relay decides the transaction boundary.
 *
 * <p>Contract:
 *
 * <ul>
 *   <li>{@link #tryClaim} takes the shard for the current transaction or returns false at once if
 *       another transaction holds it; the claim ends with the transaction, also when the relay's
 *       process or connection dies, or once the transaction has been idle longer than {@code
 *       idleLimit} (a relay cut off from the database mid-batch). The claiming transaction may
 *       commit without waiting for the marks to be durable: a mark lost with the database only
 *       sends its message again.
 *   <li>{@link #pendingShards} names every shard below {@code shards} that holds unpublished
 *       messages committed before the call, claimed or not, in shard order, each with the append
 *       time of its oldest unpublished message; it may name a shard that is empty by the time it is
 *       read.
 *   <li>{@link #fetchUnpublished} returns a shard's unpublished messages in append order.
 *   <li>{@link #markPublished} marks exactly the given messages; if the transaction then rolls back
 *       they stay unpublished and are sent again (at least once: consumers deduplicate by event
 *       id).
 *   <li>{@link #purgePublished} deletes published messages older than the cut-off, never
 *       unpublished ones.
 * </ul>
 */
public interface OutboxStore {

  boolean tryClaim(Connection connection, int shard, Duration idleLimit) throws SQLException;

  SortedMap<Integer, Instant> pendingShards(Connection connection, int shards) throws SQLException;

  List<OutboxMessage> fetchUnpublished(Connection connection, int shard, int limit)
      throws SQLException;

  void markPublished(Connection connection, List<OutboxMessage> messages) throws SQLException;

  int purgePublished(Connection connection, Instant publishedBefore, int limit) throws SQLException;

  Backlog backlog(Connection connection) throws SQLException;

  /** Unpublished messages and the time the oldest of them was appended (null when none). */
  record Backlog(long size, @Nullable Instant oldest) {}
}
