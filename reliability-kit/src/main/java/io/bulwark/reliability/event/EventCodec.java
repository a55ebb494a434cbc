package io.bulwark.reliability.event;

import java.nio.charset.StandardCharsets;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Reads and writes {@link EventEnvelope}s as JSON, and maps payloads to and from records. */
public final class EventCodec {

  private final JsonMapper json;

  public EventCodec() {
    this(
        JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build());
  }

  public EventCodec(JsonMapper json) {
    this.json = json;
  }

  public byte[] encode(EventEnvelope envelope) {
    return json.writeValueAsBytes(envelope);
  }

  public String encodeToString(EventEnvelope envelope) {
    return json.writeValueAsString(envelope);
  }

  /**
   * Parses a message; anything that is not a complete envelope is a {@link
   * MalformedEventException}.
   */
  public EventEnvelope decode(byte[] message) {
    if (message == null || message.length == 0) {
      throw new MalformedEventException("empty message");
    }
    try {
      return json.readValue(message, EventEnvelope.class);
    } catch (JacksonException | IllegalArgumentException | NullPointerException e) {
      throw new MalformedEventException(
          "not an event envelope: " + preview(message) + " (" + e.getMessage() + ")", e);
    }
  }

  public JsonNode toPayload(Object payload) {
    return json.valueToTree(payload);
  }

  /** Maps the payload to the consumer's own record of the published schema. */
  public <T> T fromPayload(EventEnvelope envelope, Class<T> type) {
    try {
      return json.treeToValue(envelope.payload(), type);
    } catch (JacksonException | IllegalArgumentException | NullPointerException e) {
      throw new MalformedEventException(
          envelope.type()
              + " v"
              + envelope.schemaVersion()
              + " payload does not fit "
              + type.getSimpleName()
              + ": "
              + e.getMessage(),
          e);
    }
  }

  private static String preview(byte[] message) {
    String text = new String(message, 0, Math.min(message.length, 120), StandardCharsets.UTF_8);
    return text.replaceAll("\\p{Cntrl}", "?");
  }
}
