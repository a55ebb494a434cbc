package io.bulwark.reliability.outbox;

import java.util.UUID;

/** A stored, not yet published event as the relay sends it: topic, key and the encoded envelope. */
public record OutboxMessage(
    long position,
    UUID eventId,
    String topic,
    String key,
    String type,
    byte[] message,
    String correlationId) {}
