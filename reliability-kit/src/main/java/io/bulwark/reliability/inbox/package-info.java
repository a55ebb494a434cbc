@NullMarked
package io.bulwark.reliability.inbox;

import org.jspecify.annotations.NullMarked;
