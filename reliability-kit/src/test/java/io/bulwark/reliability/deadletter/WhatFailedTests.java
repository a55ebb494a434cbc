package io.bulwark.reliability.deadletter;

import static org.assertj.core.api.Assertions.assertThat;

import io.bulwark.reliability.event.MalformedEventException;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.UncategorizedSQLException;
import org.springframework.kafka.listener.ListenerExecutionFailedException;

/** What a dead letter says failed: past Spring's wrappers, never deeper than the first other. */
class WhatFailedTests {

  @Test
  void theDatabasesOwnErrorIsFoundUnderSpringsWrappers() {
    SQLException refused = new SQLException("ERROR: reservations refused", "P0001");
    Exception thrown =
        new ListenerExecutionFailedException(
            "Listener method threw exception",
            new UncategorizedSQLException("INSERT", "INSERT INTO reservation_line ...", refused));

    assertThat(DeadLetters.whatFailed(thrown)).isSameAs(refused);
  }

  @Test
  void theApplicationsOwnExceptionIsKeptWithWhatItWraps() {
    MalformedEventException malformed =
        new MalformedEventException("not an event", new IllegalArgumentException("at [Source"));
    IllegalStateException broken = new IllegalStateException("broken", malformed);

    assertThat(DeadLetters.whatFailed(new ListenerExecutionFailedException("threw", malformed)))
        .isSameAs(malformed);
    assertThat(DeadLetters.whatFailed(broken)).isSameAs(broken);
  }
}
