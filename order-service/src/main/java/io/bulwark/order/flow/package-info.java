/**
 * The order flow as the operator's console shows it: orders placed and concluded per second, the
 * sagas' latency, orders by status and the latest orders, read from the orders themselves (so the
 * same for every instance) on the management port.
 */
@NullMarked
package io.bulwark.order.flow;

import org.jspecify.annotations.NullMarked;
