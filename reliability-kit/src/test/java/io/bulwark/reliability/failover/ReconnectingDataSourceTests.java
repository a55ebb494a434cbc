package io.bulwark.reliability.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

class ReconnectingDataSourceTests {

  private static final Connection CONNECTION =
      (Connection)
          Proxy.newProxyInstance(
              Connection.class.getClassLoader(),
              new Class<?>[] {Connection.class},
              (proxy, method, args) -> null);

  @Test
  void aDatabaseThatCannotBeReachedIsTriedAgainUntilItAnswers() throws SQLException {
    Attempts attempts =
        new Attempts(
            List.of(refused(), notThePrimary(), new SQLException("shutting down", "57P03")));
    DataSource source = new ReconnectingDataSource(attempts, Duration.ofMillis(1), seconds(5));

    assertThat(source.getConnection()).isSameAs(CONNECTION);
    assertThat(attempts.made).isEqualTo(4);
  }

  @Test
  void aFailureThatWaitingCannotCureIsThrownAtOnce() {
    SQLException wrongPassword = new SQLException("password authentication failed", "28P01");
    Attempts attempts = new Attempts(List.of(wrongPassword));
    DataSource source = new ReconnectingDataSource(attempts, Duration.ofMillis(1), seconds(5));

    assertThatThrownBy(source::getConnection).isSameAs(wrongPassword);
    assertThat(attempts.made).isEqualTo(1);
  }

  @Test
  void pastItsPatienceItGivesUpWithTheLastFailure() {
    Attempts attempts = new Attempts(java.util.Collections.nCopies(1_000, refused()));
    DataSource source =
        new ReconnectingDataSource(attempts, Duration.ofMillis(10), Duration.ofMillis(100));

    assertThatThrownBy(source::getConnection).hasMessage("Connection refused");
    assertThat(attempts.made).isBetween(2, 11);
  }

  @Test
  void withoutPatienceItTriesOnce() {
    Attempts attempts = new Attempts(List.of(refused()));
    DataSource source = new ReconnectingDataSource(attempts, Duration.ofMillis(10), Duration.ZERO);

    assertThatThrownBy(source::getConnection).hasMessage("Connection refused");
    assertThat(attempts.made).isEqualTo(1);
  }

  private static SQLException refused() {
    return new SQLException("Connection refused", "08001");
  }

  private static SQLException notThePrimary() {
    return new SQLException("Could not find a server with specified targetServerType", "08001");
  }

  private static Duration seconds(int seconds) {
    return Duration.ofSeconds(seconds);
  }

  /** Fails with each of the given failures in turn, then connects. */
  private static final class Attempts implements DataSource {
    private final Deque<SQLException> failures;
    int made;

    Attempts(List<SQLException> failures) {
      this.failures = new ArrayDeque<>(failures);
    }

    @Override
    public Connection getConnection() throws SQLException {
      made++;
      SQLException next = failures.poll();
      if (next != null) {
        throw next;
      }
      return CONNECTION;
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
      return getConnection();
    }

    @Override
    public PrintWriter getLogWriter() {
      throw new UnsupportedOperationException();
    }

    @Override
    public void setLogWriter(PrintWriter out) {}

    @Override
    public void setLoginTimeout(int seconds) {}

    @Override
    public int getLoginTimeout() {
      return 0;
    }

    @Override
    public Logger getParentLogger() {
      return Logger.getGlobal();
    }

    @Override
    public <T> T unwrap(Class<T> type) {
      throw new UnsupportedOperationException();
    }

    @Override
    public boolean isWrapperFor(Class<?> type) {
      return false;
    }
  }
}
