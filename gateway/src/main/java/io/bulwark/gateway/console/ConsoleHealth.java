package io.bulwark.gateway.console;

import java.io.IOException;
import java.time.Duration;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * The health page's data: a stream of samples as server-sent events ({@code health} events, one per
 * sample, the latest at once), and the current sample as plain JSON. A stream ends after ten
 * minutes; the browser's {@code EventSource} opens the next one by itself.
 */
@RestController
class ConsoleHealth {

  private static final Duration STREAM = Duration.ofMinutes(10);

  private final PlatformWatch<HealthSampler.Sample> watch;

  ConsoleHealth(PlatformWatch<HealthSampler.Sample> watch) {
    this.watch = watch;
  }

  @GetMapping(path = "/console/health/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
  SseEmitter stream() {
    SseEmitter emitter = new SseEmitter(STREAM.toMillis());
    PlatformWatch.Subscriber<HealthSampler.Sample> page =
        sample -> {
          try {
            emitter.send(
                SseEmitter.event().name("health").data(sample, MediaType.APPLICATION_JSON));
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

  @GetMapping(path = "/console/health/sample", produces = MediaType.APPLICATION_JSON_VALUE)
  HealthSampler.Sample sample() {
    return watch.current();
  }
}
