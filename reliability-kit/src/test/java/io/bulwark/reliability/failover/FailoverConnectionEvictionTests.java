package io.bulwark.reliability.failover;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.SQLExceptionOverride.Override;
import io.bulwark.reliability.autoconfigure.FailoverConnectionEviction;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

class FailoverConnectionEvictionTests {

  private final FailoverConnectionEviction eviction = new FailoverConnectionEviction();

  @Test
  void aConnectionToAFormerPrimaryNowReadOnlyIsEvicted() {
    assertThat(eviction.adjudicate(new SQLException("read-only", "25006")))
        .isEqualTo(Override.MUST_EVICT);
  }

  @Test
  void terminatedAndBrokenConnectionsAreEvicted() {
    assertThat(eviction.adjudicate(new SQLException("terminated", "57P01")))
        .isEqualTo(Override.MUST_EVICT);
    assertThat(eviction.adjudicate(new SQLException("i/o", "08006")))
        .isEqualTo(Override.MUST_EVICT);
  }

  @Test
  void otherErrorsAreLeftToTheDefaultRule() {
    assertThat(eviction.adjudicate(new SQLException("duplicate", "23505")))
        .isEqualTo(Override.CONTINUE_EVICT);
  }
}
