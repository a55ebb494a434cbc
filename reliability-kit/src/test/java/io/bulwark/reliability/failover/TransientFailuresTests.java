package io.bulwark.reliability.failover;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;

class TransientFailuresTests {

  @Test
  void lostConnectionsTerminatedSessionsAndReadOnlyStandbysAreTransient() {
    assertThat(TransientFailures.isTransient(new SQLException("refused", "08001"))).isTrue();
    assertThat(TransientFailures.isTransient(new SQLException("terminated", "57P01"))).isTrue();
    assertThat(TransientFailures.isTransient(new SQLException("read-only", "25006"))).isTrue();
    assertThat(TransientFailures.isTransient(new SQLTransientConnectionException("pool timeout")))
        .isTrue();
  }

  @Test
  void contentionIsTransientButLeavesTheConnectionInThePool() {
    for (String state : new String[] {"53300", "40001", "40P01", "57014", "55P03"}) {
      assertThat(TransientFailures.isTransient(new SQLException("busy", state))).as(state).isTrue();
      assertThat(TransientFailures.isLostConnection(state)).as(state).isFalse();
    }
    assertThat(TransientFailures.isLostConnection("08006")).isTrue();
    assertThat(TransientFailures.isLostConnection("25006")).isTrue();
  }

  @Test
  void aTransientCauseDeepInTheChainCounts() {
    Exception wrapped =
        new IllegalStateException("outer", new RuntimeException(new SQLException("x", "08006")));
    assertThat(TransientFailures.isTransient(wrapped)).isTrue();
  }

  @Test
  void constraintViolationsAndBugsAreNotTransient() {
    assertThat(TransientFailures.isTransient(new SQLException("duplicate", "23505"))).isFalse();
    assertThat(TransientFailures.isTransient(new SQLException("no state"))).isFalse();
    assertThat(TransientFailures.isTransient(new NullPointerException())).isFalse();
  }
}
