package io.bulwark.reliability.correlation;

import java.util.UUID;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.MDC;

/**
 * The id that ties together everything one request causes: the HTTP calls, the log lines ({@code
 * correlationId} in the MDC) and the events, across services and Kafka. It lives on the current
 * thread while a request or a message is processed, and goes with the work it hands to an executor
 * wrapped by Micrometer's context propagation ({@link CorrelationIdAccessor}).
 */
public final class CorrelationId {

  public static final String HEADER = "X-Correlation-Id";
  public static final String KAFKA_HEADER = "bulwark-correlation-id";
  public static final String MDC_KEY = "correlationId";

  private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
  private static final ThreadLocal<String> CURRENT = new ThreadLocal<>();

  private CorrelationId() {}

  /** The id of the work on this thread, or null. */
  public static @Nullable String current() {
    return CURRENT.get();
  }

  /** Whether a value received from outside may be used as an id. */
  public static boolean isValid(@Nullable String id) {
    return id != null && VALID.matcher(id).matches();
  }

  /** The received id when valid, otherwise a new one. */
  public static String orNew(@Nullable String received) {
    return received != null && isValid(received) ? received : UUID.randomUUID().toString();
  }

  /** Makes {@code id} current until the returned scope closes; null leaves things as they are. */
  public static Scope open(@Nullable String id) {
    String previous = CURRENT.get();
    if (id == null) {
      return () -> {};
    }
    CURRENT.set(id);
    MDC.put(MDC_KEY, id);
    return () -> set(previous);
  }

  /** Makes {@code id} current on this thread, or none for null. */
  static void set(@Nullable String id) {
    if (id == null) {
      CURRENT.remove();
      MDC.remove(MDC_KEY);
    } else {
      CURRENT.set(id);
      MDC.put(MDC_KEY, id);
    }
  }

  /** Ends a correlation scope. */
  @FunctionalInterface
  public interface Scope extends AutoCloseable {
    @Override
    void close();
  }
}
