package io.bulwark.reliability.autoconfigure.operations;

import io.bulwark.reliability.deadletter.DeadLetter;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A dead letter as the API shows it. The payload only in the full view: as JSON when it is JSON,
 * else as text when it is UTF-8, else in base64.
 */
record DeadLetterView(
    long id,
    DeadLetter.Source source,
    @Nullable String key,
    @Nullable UUID eventId,
    @Nullable String eventType,
    @Nullable String correlationId,
    DeadLetter.Failure failure,
    int attempts,
    int timesDeadLettered,
    DeadLetter.Status status,
    DeadLetter.@Nullable Resolution resolution,
    int payloadBytes,
    @Nullable JsonNode payload,
    @Nullable String payloadText,
    @Nullable String payloadBase64) {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  static DeadLetterView summary(DeadLetter letter) {
    return of(letter, null, null, null);
  }

  static DeadLetterView full(DeadLetter letter) {
    byte[] bytes = letter.payload();
    String text = utf8(bytes);
    if (text == null) {
      return of(letter, null, null, Base64.getEncoder().encodeToString(bytes));
    }
    try {
      return of(letter, JSON.readTree(text), null, null);
    } catch (JacksonException e) {
      return of(letter, null, text, null);
    }
  }

  private static DeadLetterView of(
      DeadLetter letter,
      @Nullable JsonNode payload,
      @Nullable String text,
      @Nullable String base64) {
    return new DeadLetterView(
        letter.id(),
        letter.source(),
        letter.key(),
        letter.eventId(),
        letter.eventType(),
        letter.correlationId(),
        letter.failure(),
        letter.attempts(),
        letter.timesDeadLettered(),
        letter.status(),
        letter.resolution(),
        letter.payload().length,
        payload,
        text,
        base64);
  }

  private static @Nullable String utf8(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }
}
