package io.bulwark.order.reconciliation;

import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One check: when, why (periodic or on demand, by whom), what it compared, the drift it found and
 * how much of it it repaired.
 */
record ReconciliationRun(
    long id,
    Instant startedAt,
    Instant finishedAt,
    String trigger,
    @Nullable String requestedBy,
    Instant windowFrom,
    Instant windowTo,
    int ordersChecked,
    int reservationsChecked,
    int drift,
    int repaired,
    List<Drift> findings) {}
