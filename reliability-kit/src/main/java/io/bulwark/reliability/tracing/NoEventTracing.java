package io.bulwark.reliability.tracing;

import java.time.Duration;
import java.util.Map;

/** Traces nothing: for a service without a tracer. */
final class NoEventTracing implements EventTracing {

  private static final Step NOTHING =
      new Step() {
        @Override
        public Map<String, String> context() {
          return Map.of();
        }

        @Override
        public void tag(String key, String value) {}

        @Override
        public void failed(Throwable failure) {}

        @Override
        public void close() {}
      };

  @Override
  public Map<String, String> currentContext() {
    return Map.of();
  }

  @Override
  public Step publishing(TracedEvent event, Map<String, String> stored, Duration inOutbox) {
    return NOTHING;
  }

  @Override
  public Step consuming(String consumer, TracedEvent event, Map<String, String> headers) {
    return NOTHING;
  }

  @Override
  public Step redriving(String consumer, TracedEvent event, Map<String, String> original) {
    return NOTHING;
  }
}
