/**
 * The operations API every service serves under {@code /api/ops/<its application name>}, for the
 * operator role only: dead letters (list, inspect, discard, redrive), redrive jobs, the audit log,
 * and the state of the kit's tables. The gateway routes each service's prefix to it unchanged.
 */
@NullMarked
package io.bulwark.reliability.autoconfigure.operations;

import org.jspecify.annotations.NullMarked;
