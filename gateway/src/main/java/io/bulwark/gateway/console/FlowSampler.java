package io.bulwark.gateway.console;

import io.bulwark.gateway.GatewayProperties;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * One sample of the order flow, as the console's flow page shows it: the orders this gateway was
 * asked to place, how it answered and how fast ({@link OrderTraffic}, in process), and the orders
 * themselves (placed and concluded per second, the sagas' latency, orders by status, the latest
 * orders) from order-service's {@code /actuator/flow}, which any one instance answers for all: the
 * first that answers is read, the next tried when one does not.
 */
final class FlowSampler implements Supplier<FlowSampler.Sample> {

  /**
   * @param requests this gateway replica's order requests
   * @param orders order-service's flow, or null with why
   * @param ordersFrom the instance that answered
   * @param traceUrl a trace's address, {@code {traceId}} standing for its id (empty: none)
   */
  record Sample(
      Instant at,
      long intervalMs,
      String traceUrl,
      OrderTraffic.Reading requests,
      @Nullable JsonNode orders,
      @Nullable String ordersFrom,
      @Nullable String ordersUnavailable) {}

  private static final String ORDER_SERVICE = "order-service";

  private final GatewayProperties.Console settings;
  private final WatchedInstances instances;
  private final OrderTraffic traffic;
  private final Actuators actuators;
  private final Clock clock;

  FlowSampler(
      GatewayProperties.Console settings,
      WatchedInstances instances,
      OrderTraffic traffic,
      Actuators actuators,
      Clock clock) {
    this.settings = settings;
    this.instances = instances;
    this.traffic = traffic;
    this.actuators = actuators;
    this.clock = clock;
  }

  @Override
  public Sample get() {
    OrderTraffic.Reading requests = traffic.read();
    List<String> failures = new ArrayList<>();
    for (GatewayProperties.WatchedInstance instance : instances.now()) {
      if (!instance.service().equals(ORDER_SERVICE)) {
        continue;
      }
      try {
        JsonNode flow = actuators.read(instance.managementUrl(), "/actuator/flow").join();
        return new Sample(
            clock.instant(),
            settings.sampleInterval().toMillis(),
            settings.traceUrl(),
            requests,
            flow,
            instance.name(),
            null);
      } catch (CompletionException | IllegalStateException e) {
        failures.add(instance.name() + ": " + Actuators.reason(e));
      }
    }
    return new Sample(
        clock.instant(),
        settings.sampleInterval().toMillis(),
        settings.traceUrl(),
        requests,
        null,
        null,
        failures.isEmpty()
            ? "this gateway watches no order-service instance"
            : String.join("; ", failures));
  }
}
