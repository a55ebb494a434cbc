package io.bulwark.reliability.deadletter;

import static io.bulwark.reliability.deadletter.Statements.bind;
import static io.bulwark.reliability.deadletter.Statements.instant;

import io.bulwark.reliability.deadletter.DeadLetter.Status;
import io.bulwark.reliability.deadletter.RedriveRefusedException.Reason;
import io.bulwark.reliability.inbox.IdempotentConsumer;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Redrives as background jobs in PostgreSQL ({@code bulwark.redrive_job}, {@code
 * bulwark.redrive_item}). A job fixes its records when it starts; {@link #work} then gives them to
 * the {@link Redriver} at the job's rate, from whichever instance holds the job's row lock, so the
 * rate holds however many instances work, and a job outlives the instance that started it.
 *
 * <p>A record is redriven before its result is written: if the instance dies in between, the record
 * is redriven again by the next worker, and the consumer's inbox makes that a duplicate.
 */
public final class RedriveJobs {

  private static final Logger log = LoggerFactory.getLogger(RedriveJobs.class);

  /** At most one second's worth of records at once, after a pause in the work. */
  private static final Duration BURST = Duration.ofSeconds(1);

  private final DataSource dataSource;
  private final DeadLetters letters;
  private final Redriver redriver;
  private final Clock clock;
  private final int maxRecords;

  public RedriveJobs(
      DataSource dataSource, DeadLetters letters, Redriver redriver, Clock clock, int maxRecords) {
    this.dataSource = dataSource;
    this.letters = letters;
    this.redriver = redriver;
    this.clock = clock;
    this.maxRecords = maxRecords;
  }

  /**
   * Starts redriving these records at {@code ratePerSecond}.
   *
   * @throws RedriveRefusedException when the selection is empty or too large, or names a record
   *     that does not exist or was discarded; then nothing starts
   */
  public RedriveJob start(List<Long> ids, String description, int ratePerSecond, String by) {
    List<Long> unique = ids.stream().distinct().sorted().toList();
    if (unique.isEmpty()) {
      throw new RedriveRefusedException(
          Reason.NOTHING_SELECTED, List.of(), "the selection holds no dead letter to redrive");
    }
    if (unique.size() > maxRecords) {
      throw new RedriveRefusedException(
          Reason.TOO_MANY,
          List.of(),
          "a redrive takes at most " + maxRecords + " records; this one selects " + unique.size());
    }
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      Array array = connection.createArrayOf("bigint", unique.toArray());
      List<Long> known = new ArrayList<>();
      List<Long> discarded = new ArrayList<>();
      try (PreparedStatement select =
              bind(
                  connection.prepareStatement(
                      "SELECT id, status FROM bulwark.dead_letter WHERE id = ANY (?) FOR SHARE"),
                  array);
          ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          known.add(rows.getLong(1));
          if (Status.valueOf(rows.getString(2)) == Status.DISCARDED) {
            discarded.add(rows.getLong(1));
          }
        }
      }
      List<Long> unknown = unique.stream().filter(id -> !known.contains(id)).toList();
      if (!unknown.isEmpty()) {
        connection.rollback();
        throw new RedriveRefusedException(
            Reason.UNKNOWN, unknown, "no dead letter with id " + abbreviate(unknown));
      }
      if (!discarded.isEmpty()) {
        connection.rollback();
        throw new RedriveRefusedException(
            Reason.DISCARDED,
            discarded,
            "discarded dead letters are never redriven: " + abbreviate(discarded));
      }
      long id;
      try (PreparedStatement insert =
          bind(
              connection.prepareStatement(
                  "INSERT INTO bulwark.redrive_job (requested_by, requested_at, description,"
                      + " rate_per_sec, total) VALUES (?, ?, ?, ?, ?) RETURNING id"),
              by,
              clock.instant(),
              description,
              ratePerSecond,
              unique.size())) {
        try (ResultSet key = insert.executeQuery()) {
          key.next();
          id = key.getLong(1);
        }
      }
      try (PreparedStatement items =
          bind(
              connection.prepareStatement(
                  "INSERT INTO bulwark.redrive_item (job_id, dead_letter_id)"
                      + " SELECT ?, unnest(?::bigint[])"),
              id,
              array)) {
        items.executeUpdate();
      }
      connection.commit();
      return find(id).orElseThrow();
    } catch (SQLException e) {
      throw new IllegalStateException("redrive jobs unavailable", e);
    }
  }

  private static String abbreviate(List<Long> ids) {
    return ids.size() <= 10
        ? ids.toString()
        : ids.subList(0, 10) + " and " + (ids.size() - 10) + " more";
  }

  public Optional<RedriveJob> find(long id) {
    try (Connection connection = dataSource.getConnection()) {
      return jobs(connection, " WHERE j.id = ?", id, 1).stream().findFirst();
    } catch (SQLException e) {
      throw new IllegalStateException("redrive jobs unavailable", e);
    }
  }

  /** The latest jobs first; the next page holds those with an id below the last one's. */
  public List<RedriveJob> list(long beforeId, int limit) {
    try (Connection connection = dataSource.getConnection()) {
      return jobs(connection, " WHERE j.id < ?", beforeId, limit);
    } catch (SQLException e) {
      throw new IllegalStateException("redrive jobs unavailable", e);
    }
  }

  private static List<RedriveJob> jobs(Connection connection, String where, long id, int limit)
      throws SQLException {
    List<RedriveJob> jobs = new ArrayList<>();
    try (PreparedStatement select =
            bind(
                connection.prepareStatement(
                    "SELECT j.id, j.requested_by, j.requested_at, j.description, j.rate_per_sec,"
                        + " j.total, j.status, j.finished_at, (SELECT json_object_agg(outcome, n)"
                        + " FROM (SELECT outcome, count(*) AS n FROM bulwark.redrive_item"
                        + " WHERE job_id = j.id GROUP BY outcome) counts)::text"
                        + " FROM bulwark.redrive_job j"
                        + where
                        + " ORDER BY j.id DESC LIMIT ?"),
                id,
                limit);
        ResultSet rows = select.executeQuery()) {
      while (rows.next()) {
        jobs.add(
            new RedriveJob(
                rows.getLong(1),
                rows.getString(2),
                rows.getTimestamp(3).toInstant(),
                rows.getString(4),
                rows.getInt(5),
                rows.getInt(6),
                outcomes(rows.getString(9)),
                RedriveJob.Status.valueOf(rows.getString(7)),
                instant(rows.getTimestamp(8))));
      }
    }
    return jobs;
  }

  /** {@code {"APPLIED" : 3, "PENDING" : 7}} as a map, every outcome present. */
  private static Map<String, Integer> outcomes(String json) {
    Map<String, Integer> outcomes = new LinkedHashMap<>();
    for (String outcome :
        List.of("PENDING", "APPLIED", "DUPLICATE", "IGNORED", "FAILED", "SKIPPED")) {
      outcomes.put(outcome, 0);
    }
    if (json != null) {
      for (String pair : json.replaceAll("[{}\" ]", "").split(",")) {
        String[] parts = pair.split(":");
        if (parts.length == 2) {
          outcomes.put(parts[0], Integer.parseInt(parts[1]));
        }
      }
    }
    return outcomes;
  }

  /** The job's records in id order, with their results; the next page starts after the last. */
  public List<RedriveItem> items(long jobId, long afterId, int limit) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement select =
            bind(
                connection.prepareStatement(
                    "SELECT dead_letter_id, outcome, detail, done_at FROM bulwark.redrive_item"
                        + " WHERE job_id = ? AND dead_letter_id > ? ORDER BY dead_letter_id"
                        + " LIMIT ?"),
                jobId,
                afterId,
                limit);
        ResultSet rows = select.executeQuery()) {
      List<RedriveItem> items = new ArrayList<>();
      while (rows.next()) {
        items.add(
            new RedriveItem(
                rows.getLong(1),
                rows.getString(2),
                rows.getString(3),
                instant(rows.getTimestamp(4))));
      }
      return items;
    } catch (SQLException e) {
      throw new IllegalStateException("redrive jobs unavailable", e);
    }
  }

  /**
   * One step of the oldest running job no other worker holds: as many of its records as its rate
   * allows since its last step (at most a second's worth). Returns whether there was a job to step,
   * even one whose rate allowed no record yet: while there is, the next step should come soon.
   */
  public boolean workIfAny() {
    return stepOrNone() >= 0;
  }

  /** Records redriven, or -1 when no job was there to step. */
  private int stepOrNone() {
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      try {
        int worked = step(connection);
        connection.commit();
        return worked;
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw new IllegalStateException("redrive jobs unavailable", e);
    }
  }

  private int step(Connection connection) throws SQLException {
    long job;
    int rate;
    Instant workedAt;
    try (PreparedStatement select =
            connection.prepareStatement(
                "SELECT id, rate_per_sec, worked_at FROM bulwark.redrive_job"
                    + " WHERE status = 'RUNNING' ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED");
        ResultSet row = select.executeQuery()) {
      if (!row.next()) {
        return -1;
      }
      job = row.getLong(1);
      rate = row.getInt(2);
      workedAt = instant(row.getTimestamp(3));
    }
    Instant now = clock.instant();
    Instant since =
        workedAt == null || workedAt.isBefore(now.minus(BURST)) ? now.minus(BURST) : workedAt;
    double allowance = Duration.between(since, now).toNanos() / 1e9 * rate;
    int permits = (int) Math.floor(allowance);
    if (permits == 0) {
      return 0;
    }
    // keep the fraction of a record not yet spent for the next step
    Instant spentUntil = now.minusNanos((long) ((allowance - permits) / rate * 1e9));
    List<Long> pending = new ArrayList<>();
    try (PreparedStatement select =
            bind(
                connection.prepareStatement(
                    "SELECT dead_letter_id FROM bulwark.redrive_item WHERE job_id = ?"
                        + " AND outcome = 'PENDING' ORDER BY dead_letter_id LIMIT ?"),
                job,
                permits);
        ResultSet rows = select.executeQuery()) {
      while (rows.next()) {
        pending.add(rows.getLong(1));
      }
    }
    for (long id : pending) {
      redrive(connection, job, id);
    }
    try (PreparedStatement update =
        bind(
            connection.prepareStatement(
                "UPDATE bulwark.redrive_job SET worked_at = ?::timestamptz,"
                    + " status = CASE WHEN EXISTS (SELECT 1 FROM bulwark.redrive_item"
                    + " WHERE job_id = ? AND outcome = 'PENDING') THEN 'RUNNING' ELSE 'DONE' END,"
                    + " finished_at = CASE WHEN EXISTS (SELECT 1 FROM bulwark.redrive_item"
                    + " WHERE job_id = ? AND outcome = 'PENDING') THEN NULL ELSE ?::timestamptz END"
                    + " WHERE id = ?"),
            spentUntil,
            job,
            job,
            now,
            job)) {
      update.executeUpdate();
    }
    return pending.size();
  }

  private void redrive(Connection connection, long job, long id) throws SQLException {
    Optional<DeadLetter> letter = letters.find(connection, id);
    String outcome;
    String detail = null;
    if (letter.isEmpty() || letter.get().status() == Status.DISCARDED) {
      outcome = "SKIPPED";
      detail = "discarded after the redrive started";
    } else {
      try {
        IdempotentConsumer.Outcome result = redriver.redrive(letter.get());
        outcome = result.name();
        letters.redriven(connection, id, outcome);
      } catch (Exception e) {
        outcome = "FAILED";
        Throwable cause = DeadLetters.whatFailed(e);
        detail = cause.getClass().getName() + ": " + cause.getMessage();
        letters.redriveFailed(connection, id, e);
        log.warn("redrive job {}: dead letter {} failed again: {}", job, id, detail);
      }
    }
    try (PreparedStatement update =
        bind(
            connection.prepareStatement(
                "UPDATE bulwark.redrive_item SET outcome = ?, detail = ?, done_at = ?"
                    + " WHERE job_id = ? AND dead_letter_id = ?"),
            outcome,
            detail,
            clock.instant(),
            job,
            id)) {
      update.executeUpdate();
    }
  }
}
