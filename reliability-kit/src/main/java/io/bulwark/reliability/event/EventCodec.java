package io.bulwark.reliability.event;

import io.bulwark.reliability.correlation.CorrelationId;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
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
   * Parses a message; anything that is not a complete envelope, or whose names a consumer uses
   * (type, aggregate, version) are not plain, is a {@link MalformedEventException}. A correlation
   * id that is not a plain id (say, one with CR/LF that would forge log lines) is replaced with a
   * fresh one: the event is still good, its id only cannot be trusted.
   */
  public EventEnvelope decode(byte[] message) {
    if (message == null || message.length == 0) {
      throw new MalformedEventException("empty message");
    }
    EventEnvelope envelope;
    try {
      envelope = json.readValue(message, EventEnvelope.class);
    } catch (JacksonException | IllegalArgumentException | NullPointerException e) {
      throw new MalformedEventException(
          "not an event envelope: " + preview(message) + " (" + e.getMessage() + ")", e);
    }
    requirePlain("type", envelope.type(), NAME);
    requirePlain("aggregateType", envelope.aggregateType(), NAME);
    requirePlain("aggregateId", envelope.aggregateId(), ID);
    if (envelope.schemaVersion() < 1) {
      throw new MalformedEventException("schemaVersion " + envelope.schemaVersion() + " < 1");
    }
    String correlationId = envelope.correlationId();
    if (correlationId == null || CorrelationId.isValid(correlationId)) {
      return envelope;
    }
    return new EventEnvelope(
        envelope.eventId(),
        envelope.type(),
        envelope.schemaVersion(),
        envelope.aggregateType(),
        envelope.aggregateId(),
        envelope.occurredAt(),
        envelope.payload(),
        CorrelationId.orNew(null));
  }

  private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9]{0,63}");
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

  private static void requirePlain(String field, String value, Pattern plain) {
    if (!plain.matcher(value).matches()) {
      throw new MalformedEventException(
          field + " is not a plain name: " + value.replaceAll("\\p{Cntrl}", "?"));
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
