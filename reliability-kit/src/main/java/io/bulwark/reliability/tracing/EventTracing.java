package io.bulwark.reliability.tracing;

import java.time.Duration;
import java.util.Map;

/**
 * Carries a trace through the outbox and Kafka. The context of the work that appends an event is
 * stored with it ({@link #currentContext()}, as W3C {@code traceparent}, {@code tracestate} and
 * {@code baggage} headers); the relay's publish continues it ({@link #publishing}) and hands its
 * own context to the record's headers; a consumer's processing continues that ({@link #consuming}),
 * so the events it appends in turn carry the trace on. {@link #NONE} traces nothing.
 */
public interface EventTracing {

  EventTracing NONE = new NoEventTracing();

  /** The current span's context as propagation headers; empty outside any trace. */
  Map<String, String> currentContext();

  /**
   * Starts the span of publishing one stored event, a child of the context stored with it, which
   * waited {@code inOutbox} between its commit and this publish.
   */
  Step publishing(TracedEvent event, Map<String, String> stored, Duration inOutbox);

  /**
   * Starts the span of {@code consumer} processing one delivered event, a child of the publish
   * whose context came in the record's {@code headers}, and makes it current until closed.
   */
  Step consuming(String consumer, TracedEvent event, Map<String, String> headers);

  /**
   * Starts the span of {@code consumer} processing a redriven dead letter again, in the trace of
   * whatever redrives it (a new one when nothing does), linked to the trace the record carried when
   * it failed ({@code original}), and makes it current until closed.
   */
  Step redriving(String consumer, TracedEvent event, Map<String, String> original);

  /** A traced step: its span, ended (and no longer current) on close. */
  interface Step extends AutoCloseable {

    /** The step's own context as propagation headers, for what it causes. */
    Map<String, String> context();

    void tag(String key, String value);

    void failed(Throwable failure);

    @Override
    void close();
  }
}
