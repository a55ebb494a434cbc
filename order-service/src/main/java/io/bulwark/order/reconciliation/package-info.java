/**
 * Reconciliation: order-service's orders compared with inventory-service's reservations, drift
 * reported and, where it is safe, repaired.
 */
@NullMarked
package io.bulwark.order.reconciliation;

import org.jspecify.annotations.NullMarked;
