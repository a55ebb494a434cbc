/**
 * An order's trace across the outbox and Kafka: the context stored with each event, the relay's
 * publish span that continues it, and the consumer's span that continues the publish.
 */
@NullMarked
package io.bulwark.reliability.tracing;

import org.jspecify.annotations.NullMarked;
