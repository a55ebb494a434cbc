package io.bulwark.order.flow;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * {@code /actuator/flow} on the management port (never routed by the gateway): the order flow the
 * console's flow page draws. The gateway's one sampler reads it from one instance while a flow page
 * is open, so ten open pages cost one reader.
 */
@Endpoint(id = "flow")
class FlowEndpoint {

  private final OrderFlow flow;

  FlowEndpoint(OrderFlow flow) {
    this.flow = flow;
  }

  @ReadOperation
  OrderFlow.Flow flow() {
    return flow.read();
  }
}
