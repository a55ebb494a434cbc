package io.bulwark.order.reconciliation;

import io.bulwark.reliability.operations.OperationsAudit;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.security.Principal;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Reconciliation in order-service's operations API (the operator's alone): the latest checks with
 * what they found, and a check on demand.
 */
@RestController
@RequestMapping(ReconciliationController.PATH)
@Tag(name = "operations")
class ReconciliationController {

  static final String PATH = "/api/ops/order-service/reconciliations";

  /** The latest runs and the cursor of the next page. */
  record Runs(List<ReconciliationRun> items, @Nullable Long next) {}

  private final Reconciler reconciler;
  private final ReconciliationRuns runs;
  private final OperationsAudit audit;

  ReconciliationController(Reconciler reconciler, ReconciliationRuns runs, OperationsAudit audit) {
    this.reconciler = reconciler;
    this.runs = runs;
    this.audit = audit;
  }

  @PostMapping
  @Operation(summary = "Compare orders with reservations now, repair what is safe, say what drifts")
  ResponseEntity<ReconciliationRun> runNow(Principal caller) {
    ReconciliationRun run =
        reconciler
            .run("on demand", caller.getName())
            .orElseThrow(
                () -> {
                  audit.record(
                      caller.getName(), "reconcile", "orders and reservations", "refused: busy");
                  return problem(
                      HttpStatus.CONFLICT,
                      "Reconciliation running",
                      "Another check is running; its result will be listed here.");
                });
    audit.record(
        caller.getName(),
        "reconcile",
        "orders and reservations",
        "run " + run.id() + ": " + run.drift() + " drift, " + run.repaired() + " repaired");
    return ResponseEntity.created(URI.create(PATH + "/" + run.id())).body(run);
  }

  @GetMapping
  @Operation(summary = "The latest checks, periodic and on demand, with what they found")
  Runs list(
      @RequestParam(required = false) @Nullable Long before,
      @RequestParam(defaultValue = "20") int limit) {
    if (limit < 1 || limit > 100 || (before != null && before < 1)) {
      throw problem(
          HttpStatus.BAD_REQUEST, "Invalid request", "limit is 1 to 100, before a positive id.");
    }
    List<ReconciliationRun> page = runs.list(before == null ? Long.MAX_VALUE : before, limit);
    return new Runs(page, page.size() == limit ? page.get(page.size() - 1).id() : null);
  }

  @GetMapping("/{id}")
  @Operation(summary = "One check and its findings")
  ReconciliationRun get(@PathVariable long id) {
    return runs.find(id)
        .orElseThrow(
            () -> problem(HttpStatus.NOT_FOUND, "Not found", "No reconciliation " + id + "."));
  }

  private static ErrorResponseException problem(HttpStatus status, String title, String detail) {
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
    problem.setTitle(title);
    return new ErrorResponseException(status, problem, null);
  }
}
