package io.bulwark.reliability.correlation;

import io.micrometer.context.ThreadLocalAccessor;
import org.jspecify.annotations.Nullable;

/**
 * Carries the {@link CorrelationId} to another thread with the rest of the context (the current
 * span among it) wherever Micrometer's context propagation captures and restores it: an executor
 * wrapped by {@code ContextExecutorService}, for example. Registered through {@code
 * META-INF/services}.
 */
public final class CorrelationIdAccessor implements ThreadLocalAccessor<String> {

  public static final String KEY = "bulwark.correlation-id";

  @Override
  public Object key() {
    return KEY;
  }

  @Override
  public @Nullable String getValue() {
    return CorrelationId.current();
  }

  @Override
  public void setValue(String value) {
    CorrelationId.set(value);
  }

  @Override
  public void setValue() {
    CorrelationId.set(null);
  }
}
