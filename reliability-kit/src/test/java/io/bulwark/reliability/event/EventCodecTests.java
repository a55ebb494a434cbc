package io.bulwark.reliability.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EventCodecTests {

  private final EventCodec codec = new EventCodec();

  private static byte[] envelope(String type, String aggregateId, String correlationId) {
    return ("{\"eventId\":\""
            + UUID.randomUUID()
            + "\",\"type\":"
            + type
            + ",\"schemaVersion\":1,\"aggregateType\":\"Order\",\"aggregateId\":"
            + aggregateId
            + ",\"occurredAt\":\"2026-12-02T00:00:00Z\",\"payload\":{}"
            + (correlationId == null ? "" : ",\"correlationId\":" + correlationId)
            + "}")
        .getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aPlainEnvelopeDecodesAsItWasSent() {
    EventEnvelope decoded = codec.decode(envelope("\"StockReserved\"", "\"o-1\"", "\"req-42\""));

    assertThat(decoded.type()).isEqualTo("StockReserved");
    assertThat(decoded.correlationId()).isEqualTo("req-42");
  }

  @Test
  void aCorrelationIdThatWouldForgeLogLinesIsReplaced() {
    EventEnvelope decoded =
        codec.decode(
            envelope(
                "\"StockReserved\"",
                "\"o-1\"",
                "\"x\\r\\n2026-12-02 INFO forged: payment accepted\""));

    assertThat(decoded.correlationId()).doesNotContain("\r", "\n", "forged").isNotBlank();
    assertThat(decoded.correlationId()).matches("[0-9a-f-]{36}");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "\"Stock\\nReserved\"",
        "\"../StockReserved\"",
        "\"\"",
        "\"StockReserved StockRejected\""
      })
  void anEnvelopeWhoseTypeIsNotAPlainNameIsMalformed(String type) {
    assertThatThrownBy(() -> codec.decode(envelope(type, "\"o-1\"", null)))
        .isInstanceOf(MalformedEventException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"\"o 1\"", "\"o-1\\r\\n\"", "\"\"", "\"<script>\""})
  void anEnvelopeWhoseAggregateIdIsNotAPlainIdIsMalformed(String aggregateId) {
    assertThatThrownBy(() -> codec.decode(envelope("\"StockReserved\"", aggregateId, null)))
        .isInstanceOf(MalformedEventException.class);
  }
}
