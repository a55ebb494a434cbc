package io.bulwark.gateway.console;

import java.io.IOException;
import java.time.Duration;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * The live pages' data: for the health page and the flow page, a stream of samples as server-sent
 * events (named {@code health} and {@code flow}, one per sample, the latest at once), and the
 * current sample as plain JSON. A stream ends after ten minutes; the browser's {@code EventSource}
 * opens the next one by itself.
 */
@RestController
class ConsoleStreams {

  private static final Duration STREAM = Duration.ofMinutes(10);

  private final PlatformWatch<HealthSampler.Sample> health;
  private final PlatformWatch<FlowSampler.Sample> flow;

  ConsoleStreams(
      PlatformWatch<HealthSampler.Sample> health, PlatformWatch<FlowSampler.Sample> flow) {
    this.health = health;
    this.flow = flow;
  }

  @GetMapping(path = "/console/health/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
  SseEmitter healthStream() {
    return stream(health, "health");
  }

  @GetMapping(path = "/console/health/sample", produces = MediaType.APPLICATION_JSON_VALUE)
  HealthSampler.Sample healthSample() {
    return health.current();
  }

  @GetMapping(path = "/console/flow/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
  SseEmitter flowStream() {
    return stream(flow, "flow");
  }

  @GetMapping(path = "/console/flow/sample", produces = MediaType.APPLICATION_JSON_VALUE)
  FlowSampler.Sample flowSample() {
    return flow.current();
  }

  private static <T> SseEmitter stream(PlatformWatch<T> watch, String event) {
    SseEmitter emitter = new SseEmitter(STREAM.toMillis());
    PlatformWatch.Subscriber<T> page =
        sample -> {
          try {
            emitter.send(SseEmitter.event().name(event).data(sample, MediaType.APPLICATION_JSON));
            return true;
          } catch (IOException | IllegalStateException gone) {
            return false;
          }
        };
    emitter.onCompletion(() -> watch.unsubscribe(page));
    emitter.onTimeout(() -> watch.unsubscribe(page));
    emitter.onError(failure -> watch.unsubscribe(page));
    watch.subscribe(page);
    return emitter;
  }
}
