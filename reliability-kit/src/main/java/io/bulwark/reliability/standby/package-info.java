/**
 * Reads served by the synchronous standby where that loses nothing: never older than what the
 * primary had committed when the read began, so a client always reads its own writes.
 */
@NullMarked
package io.bulwark.reliability.standby;

import org.jspecify.annotations.NullMarked;
