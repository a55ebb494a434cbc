package io.bulwark.reliability.inbox;

import io.bulwark.reliability.event.EventCodec;
import io.bulwark.reliability.event.EventEnvelope;
import io.bulwark.reliability.event.MalformedEventException;
import java.util.HashMap;
import java.util.Map;

/**
 * Sends each event type to its handler, with the payload mapped to the consumer's own record of the
 * published schema. Types without a handler are ignored (a consumer reads only what it needs); a
 * schema version newer than the handler knows, or a payload that does not map, is malformed.
 */
public final class EventRouter {

  private final EventCodec codec;
  private final Map<String, Route<?>> routes;

  private EventRouter(EventCodec codec, Map<String, Route<?>> routes) {
    this.codec = codec;
    this.routes = Map.copyOf(routes);
  }

  public static Builder builder(EventCodec codec) {
    return new Builder(codec);
  }

  public boolean handles(String type) {
    return routes.containsKey(type);
  }

  /** Applies the event; returns false when no handler is registered for its type. */
  public boolean dispatch(EventEnvelope envelope) {
    Route<?> route = routes.get(envelope.type());
    if (route == null) {
      return false;
    }
    route.apply(codec, envelope);
    return true;
  }

  private record Route<T>(int maxVersion, Class<T> payloadType, EventHandler<T> handler) {
    void apply(EventCodec codec, EventEnvelope envelope) {
      if (envelope.schemaVersion() > maxVersion) {
        throw new MalformedEventException(
            envelope.type()
                + " v"
                + envelope.schemaVersion()
                + " is newer than v"
                + maxVersion
                + ", the newest this consumer reads");
      }
      handler.handle(codec.fromPayload(envelope, payloadType), envelope);
    }
  }

  public static final class Builder {
    private final EventCodec codec;
    private final Map<String, Route<?>> routes = new HashMap<>();

    private Builder(EventCodec codec) {
      this.codec = codec;
    }

    /** Handles {@code type} up to schema version {@code maxVersion}. */
    public <T> Builder on(
        String type, int maxVersion, Class<T> payloadType, EventHandler<T> handler) {
      if (routes.putIfAbsent(type, new Route<>(maxVersion, payloadType, handler)) != null) {
        throw new IllegalArgumentException("two handlers for " + type);
      }
      return this;
    }

    public EventRouter build() {
      return new EventRouter(codec, routes);
    }
  }
}
