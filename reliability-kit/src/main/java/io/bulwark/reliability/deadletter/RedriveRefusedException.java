package io.bulwark.reliability.deadletter;

import java.util.List;

/** A redrive that cannot start: some records do not exist, or were discarded. */
public final class RedriveRefusedException extends RuntimeException {

  /** Why. */
  public enum Reason {
    UNKNOWN,
    DISCARDED,
    NOTHING_SELECTED,
    TOO_MANY
  }

  private final Reason reason;
  private final List<Long> ids;

  RedriveRefusedException(Reason reason, List<Long> ids, String message) {
    super(message);
    this.reason = reason;
    this.ids = List.copyOf(ids);
  }

  public Reason reason() {
    return reason;
  }

  public List<Long> ids() {
    return ids;
  }
}
