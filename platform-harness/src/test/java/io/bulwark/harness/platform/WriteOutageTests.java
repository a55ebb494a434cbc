package io.bulwark.harness.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.bulwark.harness.platform.WriteOutage.Write;
import java.util.List;
import org.junit.jupiter.api.Test;

class WriteOutageTests {

  private static final long S = 1_000_000_000L;

  @Test
  void theOutageRunsFromTheFaultToTheFirstAcknowledgedWriteSentAfterIt() {
    List<Write> acknowledged =
        List.of(
            new Write(9 * S, 10 * S), // before the fault
            new Write(11 * S, 20 * S),
            new Write(13 * S, 18 * S),
            new Write(12 * S, 25 * S));

    assertThat(WriteOutage.after(10 * S + S / 2, acknowledged)).hasValue(7.5);
  }

  @Test
  void aWriteSentBeforeTheFaultAndAnsweredAfterItDoesNotEndTheOutage() {
    List<Write> acknowledged = List.of(new Write(9 * S, 11 * S), new Write(12 * S, 16 * S));

    assertThat(WriteOutage.after(10 * S, acknowledged)).hasValue(6.0);
  }

  @Test
  void noWriteAcknowledgedAfterTheFaultGivesNoOutage() {
    assertThat(WriteOutage.after(10 * S, List.of(new Write(9 * S, 30 * S)))).isEmpty();
  }
}
