package io.bulwark.order.reconciliation;

import io.bulwark.order.ordering.OrderEvents;
import io.bulwark.order.ordering.OrderStatus;
import io.bulwark.reliability.outbox.Outbox;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Compares the orders changed within the window with inventory-service's reservations, and the
 * reservations still held with the orders:
 *
 * <ul>
 *   <li>a confirmed order's stock must be held: if not, that is reported (whether to reserve again
 *       or to give the order up is a decision, not a repair);
 *   <li>a rejected or cancelled order's stock must not be held: if it is, the order's {@code
 *       OrderRejected} or {@code OrderCancelled} is published again, and the inventory, which
 *       releases a reservation once, gives the stock back;
 *   <li>stock held for an order order-service does not have is released the same way, with an
 *       {@code OrderRejected} that says so;
 *   <li>an order pending past its deadline is reported (the deadline check concludes it).
 * </ul>
 *
 * Changes younger than the settle time are left out, their messages may still be on the way. One
 * instance checks at a time (an advisory lock); the run, what it found and the repair events commit
 * together, so a repair is never made without its record.
 */
@Service
class Reconciler {

  private static final Logger log = LoggerFactory.getLogger(Reconciler.class);
  private static final long LOCK = 0x0B17_4EC0L;
  private static final int BATCH = 100;

  private final JdbcClient jdbc;
  private final ReservationLookup reservations;
  private final Outbox outbox;
  private final TransactionTemplate transactions;
  private final Clock clock;
  private final ReconciliationProperties settings;
  private final Duration deadline;
  private final ReconciliationRuns runs;
  private final MeterRegistry meters;
  private final AtomicInteger lastDrift = new AtomicInteger();

  Reconciler(
      JdbcClient jdbc,
      ReservationLookup reservations,
      Outbox outbox,
      TransactionTemplate transactions,
      Clock clock,
      ReconciliationProperties settings,
      @Value("${bulwark.saga.deadline:60s}") Duration deadline,
      ReconciliationRuns runs,
      MeterRegistry meters) {
    this.jdbc = jdbc;
    this.reservations = reservations;
    this.outbox = outbox;
    this.transactions = transactions;
    this.clock = clock;
    this.settings = settings;
    this.deadline = deadline;
    this.runs = runs;
    this.meters = meters;
    meters.gauge("bulwark.reconciliation.drift", lastDrift);
  }

  /** Runs a check now, unless one is running elsewhere (then empty). */
  Optional<ReconciliationRun> run(String trigger, @Nullable String requestedBy) {
    Optional<ReconciliationRun> run =
        transactions.execute(
            status ->
                Boolean.TRUE.equals(
                        jdbc.sql("SELECT pg_try_advisory_xact_lock(?)")
                            .param(LOCK)
                            .query(Boolean.class)
                            .single())
                    ? Optional.of(check(trigger, requestedBy))
                    : Optional.empty());
    return run == null ? Optional.empty() : run;
  }

  private ReconciliationRun check(String trigger, @Nullable String requestedBy) {
    Instant startedAt = clock.instant();
    Instant to = startedAt.minus(settings.settle());
    Instant from = startedAt.minus(settings.window());
    Map<String, Drift> found = new LinkedHashMap<>();
    int orders = checkOrders(from, to, startedAt, found);
    int held = checkHeldReservations(from, to, found);
    List<Drift> findings = new ArrayList<>();
    int repaired = 0;
    for (Drift drift : found.values()) {
      Drift outcome = settings.repair() && drift.kind().repairable() ? repair(drift) : drift;
      if (outcome.repair() != null) {
        repaired++;
        meters.counter("bulwark.reconciliation.repairs", "kind", drift.kind().name()).increment();
      }
      log.warn(
          "reconciliation: order {} {} (order {}, reservation {}){}",
          drift.orderId(),
          drift.kind(),
          drift.orderStatus(),
          drift.reservationStatus(),
          outcome.repair() == null ? ", reported" : ", repaired: " + outcome.repair());
      findings.add(outcome);
    }
    lastDrift.set(findings.size());
    ReconciliationRun run =
        runs.record(
            startedAt,
            clock.instant(),
            trigger,
            requestedBy,
            from,
            to,
            orders,
            held,
            findings,
            repaired);
    log.info(
        "reconciliation {} ({}): {} orders and {} held reservations checked, {} drift, {} repaired",
        run.id(),
        trigger,
        orders,
        held,
        findings.size(),
        repaired);
    return run;
  }

  private record LocalOrder(
      String id, String status, Instant createdAt, @Nullable String reason, Instant updatedAt) {

    static final String COLUMNS = "id::text, status, created_at, rejection_reason, updated_at";

    static LocalOrder read(ResultSet row, int n) throws SQLException {
      return new LocalOrder(
          row.getString(1),
          row.getString(2),
          row.getTimestamp(3).toInstant(),
          row.getString(4),
          row.getTimestamp(5).toInstant());
    }
  }

  private int checkOrders(Instant from, Instant to, Instant now, Map<String, Drift> found) {
    int checked = 0;
    Instant afterTime = from;
    String afterId = "00000000-0000-0000-0000-000000000000";
    while (true) {
      List<LocalOrder> page =
          jdbc.sql(
                  "SELECT "
                      + LocalOrder.COLUMNS
                      + " FROM orders WHERE (updated_at, id) > (?, ?::uuid) AND updated_at < ?"
                      + " ORDER BY updated_at, id LIMIT ?")
              .params(Timestamp.from(afterTime), afterId, Timestamp.from(to), BATCH)
              .query(LocalOrder::read)
              .list();
      if (page.isEmpty()) {
        return checked;
      }
      checked += page.size();
      Map<String, ReservationLookup.Reservation> theirs =
          reservations.of(page.stream().map(LocalOrder::id).toList());
      for (LocalOrder order : page) {
        ReservationLookup.Reservation reservation = theirs.get(order.id());
        String held = reservation == null ? null : reservation.status();
        boolean holding = "RESERVED".equals(held);
        Drift.Kind kind =
            switch (order.status()) {
              case "CONFIRMED" -> holding ? null : Drift.Kind.CONFIRMED_WITHOUT_RESERVATION;
              case "REJECTED", "CANCELLED" -> holding ? Drift.Kind.HELD_FOR_CONCLUDED_ORDER : null;
              default ->
                  order.createdAt().isBefore(now.minus(deadline).minus(settings.settle()))
                      ? Drift.Kind.PENDING_PAST_DEADLINE
                      : null;
            };
        if (kind != null) {
          found.put(order.id(), new Drift(order.id(), kind, order.status(), held, null));
        }
      }
      LocalOrder last = page.get(page.size() - 1);
      afterId = last.id();
      afterTime = last.updatedAt();
    }
  }

  private int checkHeldReservations(Instant from, Instant to, Map<String, Drift> found) {
    int checked = 0;
    String after = "";
    do {
      ReservationLookup.Page page = reservations.held(from, to, after, BATCH);
      checked += page.items().size();
      Map<String, LocalOrder> ours = local(page.items().stream().map(r -> r.orderId()).toList());
      for (ReservationLookup.Reservation reservation : page.items()) {
        LocalOrder order = ours.get(reservation.orderId());
        if (order == null) {
          found.putIfAbsent(
              reservation.orderId(),
              new Drift(
                  reservation.orderId(), Drift.Kind.HELD_WITHOUT_ORDER, null, "RESERVED", null));
        } else if (order.status().equals("REJECTED") || order.status().equals("CANCELLED")) {
          found.putIfAbsent(
              order.id(),
              new Drift(
                  order.id(),
                  Drift.Kind.HELD_FOR_CONCLUDED_ORDER,
                  order.status(),
                  "RESERVED",
                  null));
        }
      }
      after = page.next();
    } while (after != null);
    return checked;
  }

  private Map<String, LocalOrder> local(List<String> ids) {
    List<UUID> uuids = new ArrayList<>();
    for (String id : ids) {
      try {
        uuids.add(UUID.fromString(id));
      } catch (IllegalArgumentException notOurs) {
        // not an id order-service would have given: no such order
      }
    }
    Map<String, LocalOrder> orders = new HashMap<>();
    if (uuids.isEmpty()) {
      return orders;
    }
    jdbc.sql("SELECT " + LocalOrder.COLUMNS + " FROM orders WHERE id = ANY (?::uuid[])")
        .param(uuids.stream().map(UUID::toString).toArray(String[]::new))
        .query(LocalOrder::read)
        .list()
        .forEach(order -> orders.put(order.id(), order));
    return orders;
  }

  /** The repair events, appended in the run's transaction. */
  private Drift repair(Drift drift) {
    if (drift.kind() == Drift.Kind.HELD_WITHOUT_ORDER) {
      outbox.appendAll(
          drift.orderId(),
          List.of(
              new OrderEvents.OrderRejected(
                  drift.orderId(), "reconciliation: order-service has no such order")));
      return drift.repaired("published OrderRejected");
    }
    if ("CANCELLED".equals(drift.orderStatus())) {
      outbox.appendAll(
          drift.orderId(),
          List.of(new OrderEvents.OrderCancelled(drift.orderId(), OrderStatus.CONFIRMED)));
      return drift.repaired("published OrderCancelled again");
    }
    String reason =
        jdbc.sql("SELECT rejection_reason FROM orders WHERE id = ?::uuid")
            .param(drift.orderId())
            .query(String.class)
            .optional()
            .orElse("rejected");
    outbox.appendAll(
        drift.orderId(), List.of(new OrderEvents.OrderRejected(drift.orderId(), reason)));
    return drift.repaired("published OrderRejected again");
  }
}
