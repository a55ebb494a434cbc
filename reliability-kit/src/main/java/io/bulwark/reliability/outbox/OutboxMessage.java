package io.bulwark.reliability.outbox;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A stored, not yet published event as the relay sends it: topic, key and the encoded envelope,
 * when it was stored, and the trace context of the work that stored it (empty when untraced).
 */
public record OutboxMessage(
    long position,
    UUID eventId,
    String topic,
    String key,
    String type,
    byte[] message,
    @Nullable String correlationId,
    Instant createdAt,
    Map<String, String> traceContext) {}
