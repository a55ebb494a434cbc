@NullMarked
package io.bulwark.reliability.autoconfigure.idempotency;

import org.jspecify.annotations.NullMarked;
