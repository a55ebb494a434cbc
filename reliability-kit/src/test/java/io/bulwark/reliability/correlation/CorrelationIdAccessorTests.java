package io.bulwark.reliability.correlation;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.context.ContextExecutorService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CorrelationIdAccessorTests {

  @Test
  void anExecutorWrappedForContextPropagationRunsTheWorkUnderTheCallersCorrelationId()
      throws Exception {
    ExecutorService executor = ContextExecutorService.wrap(Executors.newSingleThreadExecutor());
    try {
      try (CorrelationId.Scope scope = CorrelationId.open("order-42")) {
        assertThat(executor.submit(CorrelationId::current).get(10, TimeUnit.SECONDS))
            .isEqualTo("order-42");
      }
      assertThat(executor.submit(CorrelationId::current).get(10, TimeUnit.SECONDS))
          .as("the worker thread keeps nothing of an earlier task")
          .isNull();
    } finally {
      executor.shutdownNow();
    }
  }
}
