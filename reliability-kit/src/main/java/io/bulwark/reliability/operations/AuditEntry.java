package io.bulwark.reliability.operations;

import java.time.Instant;

/** One operation: who did what, when, to which records, and how it ended. */
public record AuditEntry(
    long id, Instant at, String actor, String action, String target, String outcome) {}
