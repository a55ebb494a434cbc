package io.bulwark.reliability.event;

/**
 * An event a service publishes: a past-tense record that declares its own {@link EventType}.
 *
 * <p>Why a method and not an annotation or a record component: the compiler makes every published
 * event declare its identity (a class that does not cannot be appended to the outbox), nothing is
 * read by reflection, and the identity is not a record component, so it never enters the payload.
 * Implementations return a constant:
 *
 * <pre>{@code
 * record OrderPlaced(String orderId, ...) implements PublishedEvent {
 *   static final EventType TYPE = OrderEvents.STREAM.type("OrderPlaced", 1);
 *   public EventType eventType() { return TYPE; }
 * }
 * }</pre>
 */
public interface PublishedEvent {

  EventType eventType();
}
