@NullMarked
package io.bulwark.reliability.idempotency;

import org.jspecify.annotations.NullMarked;
