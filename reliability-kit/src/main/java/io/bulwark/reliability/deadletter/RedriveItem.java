package io.bulwark.reliability.deadletter;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/** One record's result in a redrive; {@code detail} says why it failed or was skipped. */
public record RedriveItem(
    long deadLetterId, String outcome, @Nullable String detail, @Nullable Instant doneAt) {}
