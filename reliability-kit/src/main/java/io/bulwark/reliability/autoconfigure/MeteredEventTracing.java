package io.bulwark.reliability.autoconfigure;

import io.bulwark.reliability.inbox.IdempotentConsumer;
import io.bulwark.reliability.tracing.EventTracing;
import io.bulwark.reliability.tracing.TracedEvent;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;

/**
 * Times what the tracing sees of each event, beside its spans: {@code bulwark.outbox.wait} (by
 * topic: from an event's commit to its publish) and {@code bulwark.consumer.processing} (by
 * consumer, topic and outcome: {@code applied}, {@code duplicate} or {@code failed}), both as
 * histograms so percentiles can be taken across instances.
 */
final class MeteredEventTracing implements EventTracing {

  private final EventTracing tracing;
  private final MeterRegistry meters;

  MeteredEventTracing(EventTracing tracing, MeterRegistry meters) {
    this.tracing = tracing;
    this.meters = meters;
  }

  @Override
  public Map<String, String> currentContext() {
    return tracing.currentContext();
  }

  @Override
  public Step publishing(TracedEvent event, Map<String, String> stored, Duration inOutbox) {
    timer(
            "bulwark.outbox.wait",
            "time from an event's commit to its publish",
            "topic",
            event.topic())
        .record(inOutbox);
    return tracing.publishing(event, stored, inOutbox);
  }

  @Override
  public Step consuming(String consumer, TracedEvent event, Map<String, String> headers) {
    return timed(consumer, event.topic(), tracing.consuming(consumer, event, headers));
  }

  @Override
  public Step redriving(String consumer, TracedEvent event, Map<String, String> original) {
    return timed(consumer, event.topic(), tracing.redriving(consumer, event, original));
  }

  private Step timed(String consumer, String topic, Step step) {
    long start = System.nanoTime();
    return new Step() {
      private String outcome = "applied";

      @Override
      public Map<String, String> context() {
        return step.context();
      }

      @Override
      public void tag(String key, String value) {
        if (key.equals(IdempotentConsumer.DUPLICATE_TAG) && value.equals("true")) {
          outcome = "duplicate";
        }
        step.tag(key, value);
      }

      @Override
      public void failed(Throwable failure) {
        outcome = "failed";
        step.failed(failure);
      }

      @Override
      public void close() {
        step.close();
        timer(
                "bulwark.consumer.processing",
                "time to process one delivered event, its transaction included",
                "consumer",
                consumer,
                "topic",
                topic,
                "outcome",
                outcome)
            .record(Duration.ofNanos(System.nanoTime() - start));
      }
    };
  }

  private Timer timer(String name, String description, String... tags) {
    return Timer.builder(name)
        .description(description)
        .tags(tags)
        .publishPercentileHistogram()
        .register(meters);
  }
}
