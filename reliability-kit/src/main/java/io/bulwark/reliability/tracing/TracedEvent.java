package io.bulwark.reliability.tracing;

/**
 * What a span says of the event it publishes or processes: the topic, the event's type and id, and
 * the aggregate it concerns (an order's id: what a user searches the traces by).
 */
public record TracedEvent(String topic, String type, String id, String aggregateId) {}
