@NullMarked
package io.bulwark.reliability.outbox;

import org.jspecify.annotations.NullMarked;
