@NullMarked
package io.bulwark.reliability.failover;

import org.jspecify.annotations.NullMarked;
