package io.bulwark.reliability.autoconfigure.operations;

import io.bulwark.reliability.deadletter.DeadLetter;
import io.bulwark.reliability.deadletter.DeadLetterQuery;
import io.bulwark.reliability.deadletter.DeadLetters;
import io.bulwark.reliability.deadletter.RedriveItem;
import io.bulwark.reliability.deadletter.RedriveJob;
import io.bulwark.reliability.deadletter.RedriveJobs;
import io.bulwark.reliability.deadletter.RedriveRefusedException;
import io.bulwark.reliability.operations.AuditEntry;
import io.bulwark.reliability.operations.Housekeeping;
import io.bulwark.reliability.operations.OperationsAudit;
import io.bulwark.reliability.operations.ReliabilityTables;
import io.bulwark.reliability.outbox.FailingShard;
import io.bulwark.reliability.outbox.OutboxRelay;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.security.Principal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The operator's API of one service (the operator role only, see {@code ApiSecurity}). Every change
 * (a discard, a redrive) is written to the audit log with who asked, what for, and how it ended,
 * refusals included.
 */
@RestController
@RequestMapping(OperationsController.BASE + "${spring.application.name:application}")
@Tag(name = "operations", description = "Dead letters, redrives, the audit log, the kit's tables")
class OperationsController {

  /** Under the API prefix and the service's name, so the gateway routes it unchanged. */
  static final String BASE = "/api/ops/";

  static final int MAX_PAGE = 200;

  /** A page and the cursor of the next one ({@code null} on the last page). */
  record Page<T>(List<T> items, @Nullable Long next) {

    /** A full page has a next one, which starts after its last item's cursor. */
    static <T> Page<T> of(List<T> items, int limit, ToLongFunction<T> cursor) {
      return new Page<>(
          items, items.size() == limit ? cursor.applyAsLong(items.get(items.size() - 1)) : null);
    }
  }

  /** Why a record is discarded. */
  record DiscardRequest(@Nullable String reason) {}

  /** Which records to redrive, by id or by filter (exactly one), and how fast. */
  record RedriveRequest(
      @Nullable List<Long> ids,
      @Nullable DeadLetterFilter filter,
      @Nullable Integer ratePerSecond) {}

  /** A redrive's progress and the cursor-paged results of its records. */
  record RedriveProgress(RedriveJob job, int done, Page<RedriveItem> results) {}

  /** One shard's backlog, aged. */
  record ShardView(int shard, long unpublished, @Nullable Duration oldestAge) {}

  /** What the kit's tables hold, and what this instance's relay sees failing. */
  record StateView(
      Instant at,
      List<ShardView> outboxBacklog,
      long outboxPublishedAwaitingPurge,
      List<FailingShard> failingShards,
      ReliabilityTables.TableState inbox,
      ReliabilityTables.TableState idempotencyKeys,
      Map<String, Map<DeadLetter.Status, Long>> deadLetters,
      List<Housekeeping.Run> housekeeping) {}

  private final DeadLetters letters;
  private final RedriveJobs jobs;
  private final OperationsAudit audit;
  private final ReliabilityTables tables;
  private final Housekeeping housekeeping;
  private final ObjectProvider<OutboxRelay> relay;
  private final int maxRate;
  private final int maxRedrive;
  private final Clock clock;
  private final String base;

  OperationsController(
      DeadLetters letters,
      RedriveJobs jobs,
      OperationsAudit audit,
      ReliabilityTables tables,
      Housekeeping housekeeping,
      ObjectProvider<OutboxRelay> relay,
      int maxRate,
      int maxRedrive,
      Clock clock,
      String service) {
    this.letters = letters;
    this.jobs = jobs;
    this.audit = audit;
    this.tables = tables;
    this.housekeeping = housekeeping;
    this.relay = relay;
    this.maxRate = maxRate;
    this.maxRedrive = maxRedrive;
    this.clock = clock;
    this.base = BASE + service;
  }

  @GetMapping("/dead-letters")
  @Operation(
      summary =
          "Dead letters matching a filter (the open ones unless status says otherwise),"
              + " oldest first, in pages")
  Page<DeadLetterView> deadLetters(
      @RequestParam(required = false) @Nullable String status,
      @RequestParam(required = false) @Nullable String topic,
      @RequestParam(required = false) @Nullable String type,
      @RequestParam(required = false) @Nullable String error,
      @RequestParam(required = false) @Nullable String olderThan,
      @RequestParam(required = false) @Nullable String newerThan,
      @RequestParam(defaultValue = "0") long after,
      @RequestParam(defaultValue = "50") int limit) {
    DeadLetterQuery query =
        new DeadLetterFilter(status, topic, type, error, olderThan, newerThan)
            .toQuery(clock.instant(), cursor(after), pageSize(limit));
    return Page.of(
        letters.list(query).stream().map(DeadLetterView::summary).toList(),
        query.limit(),
        DeadLetterView::id);
  }

  @GetMapping("/dead-letters/{id}")
  @Operation(summary = "One dead letter, with its payload")
  DeadLetterView deadLetter(@PathVariable long id) {
    return DeadLetterView.full(
        letters
            .find(id)
            .orElseThrow(() -> OperationRequestException.notFound("dead letter " + id)));
  }

  @PostMapping("/dead-letters/{id}/discard")
  @Operation(summary = "Discard a dead letter for a reason; it stays readable, never redriven")
  DeadLetterView discard(
      @PathVariable long id, @RequestBody DiscardRequest request, Principal caller) {
    String reason = request.reason() == null ? "" : request.reason().strip();
    if (reason.isEmpty() || reason.length() > 500) {
      audit.record(caller.getName(), "discard", "dead letter " + id, "refused: no valid reason");
      throw OperationRequestException.invalid("reason must be 1 to 500 characters.");
    }
    DeadLetters.Discarded discarded = letters.discard(id, reason, caller.getName());
    audit.record(
        caller.getName(),
        "discard",
        "dead letter " + id,
        discarded == DeadLetters.Discarded.DISCARDED
            ? "discarded: " + reason
            : "refused: " + discarded.name().toLowerCase().replace('_', ' '));
    return switch (discarded) {
      case DISCARDED -> deadLetter(id);
      case NOT_FOUND -> throw OperationRequestException.notFound("dead letter " + id);
      case ALREADY_DISCARDED ->
          throw OperationRequestException.conflict(
              "Already discarded", "Dead letter " + id + " was discarded before.");
    };
  }

  @PostMapping("/redrives")
  @Operation(
      summary = "Redrive dead letters by id or by filter, as a rate-limited background job",
      description =
          "A record goes back to the consumer that failed it with its event id and correlation"
              + " id: one already applied is a duplicate and has no second effect. A filter"
              + " without a status selects the open records; discarded ones are never redriven.")
  ResponseEntity<RedriveProgress> redrive(@RequestBody RedriveRequest request, Principal caller) {
    if ((request.ids() == null) == (request.filter() == null)) {
      throw OperationRequestException.invalid("give either ids or filter, not both or neither.");
    }
    int rate = request.ratePerSecond() == null ? maxRate : request.ratePerSecond();
    if (rate < 1 || rate > maxRate) {
      throw OperationRequestException.invalid(
          "ratePerSecond must be between 1 and " + maxRate + ".");
    }
    List<Long> ids;
    String description;
    if (request.ids() != null) {
      ids = request.ids();
      if (ids.stream().anyMatch(id -> id == null || id < 1)) {
        throw OperationRequestException.invalid("ids must be positive dead-letter ids.");
      }
      description = "ids " + (ids.size() <= 20 ? ids : ids.size() + " records");
    } else {
      DeadLetterFilter filter = request.filter();
      DeadLetterQuery query = filter.toQuery(clock.instant(), 0, 1);
      if (filter.selectsDiscarded()) {
        audit.record(caller.getName(), "redrive", query.describe(), "refused: discarded");
        throw OperationRequestException.conflict(
            "Redrive refused", "Discarded dead letters are never redriven.");
      }
      ids = letters.ids(query, maxRedrive + 1);
      description = "filter " + query.describe();
    }
    RedriveJob job;
    try {
      job = jobs.start(ids, description, rate, caller.getName());
    } catch (RedriveRefusedException e) {
      audit.record(caller.getName(), "redrive", description, "refused: " + e.getMessage());
      throw e;
    }
    audit.record(
        caller.getName(),
        "redrive",
        description,
        "started job " + job.id() + " for " + job.total() + " records at " + rate + "/s");
    return ResponseEntity.accepted()
        .location(URI.create(base + "/redrives/" + job.id()))
        .body(progress(job, 0, 100));
  }

  @GetMapping("/redrives")
  @Operation(summary = "Redrive jobs, latest first")
  Page<RedriveJob> redrives(
      @RequestParam(required = false) @Nullable Long before,
      @RequestParam(defaultValue = "20") int limit) {
    return Page.of(
        jobs.list(before == null ? Long.MAX_VALUE : cursor(before), pageSize(limit)),
        limit,
        RedriveJob::id);
  }

  @GetMapping("/redrives/{id}")
  @Operation(summary = "A redrive's progress and the result of each record")
  RedriveProgress redriveJob(
      @PathVariable long id,
      @RequestParam(defaultValue = "0") long after,
      @RequestParam(defaultValue = "100") int limit) {
    RedriveJob job =
        jobs.find(id).orElseThrow(() -> OperationRequestException.notFound("redrive " + id));
    return progress(job, cursor(after), pageSize(limit));
  }

  private RedriveProgress progress(RedriveJob job, long after, int limit) {
    return new RedriveProgress(
        job,
        job.done(),
        Page.of(jobs.items(job.id(), after, limit), limit, RedriveItem::deadLetterId));
  }

  @GetMapping("/audit")
  @Operation(summary = "What operators did, latest first")
  Page<AuditEntry> audit(
      @RequestParam(required = false) @Nullable Long before,
      @RequestParam(defaultValue = "50") int limit) {
    return Page.of(
        audit.list(before == null ? Long.MAX_VALUE : cursor(before), pageSize(limit)),
        limit,
        AuditEntry::id);
  }

  @GetMapping("/state")
  @Operation(
      summary =
          "The outbox's backlog per shard, failing shards, inbox and key-store sizes,"
              + " dead letters per topic, and what the purges removed")
  StateView state() {
    Instant now = clock.instant();
    ReliabilityTables.OutboxState outbox = tables.outbox();
    OutboxRelay local = relay.getIfAvailable();
    return new StateView(
        now,
        outbox.backlog().stream()
            .map(
                shard ->
                    new ShardView(
                        shard.shard(),
                        shard.unpublished(),
                        shard.oldestCreatedAt() == null
                            ? null
                            : Duration.between(shard.oldestCreatedAt(), now)))
            .toList(),
        outbox.publishedAwaitingPurge(),
        local == null ? List.of() : local.failingShards(),
        tables.inbox(),
        tables.idempotencyKeys(),
        letters.countsByTopic(),
        housekeeping.runs());
  }

  private static long cursor(long value) {
    if (value < 0) {
      throw OperationRequestException.invalid("a cursor must not be negative.");
    }
    return value;
  }

  private static int pageSize(int limit) {
    if (limit < 1 || limit > MAX_PAGE) {
      throw OperationRequestException.invalid("limit must be between 1 and " + MAX_PAGE + ".");
    }
    return limit;
  }
}
