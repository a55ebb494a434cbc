@NullMarked
package io.bulwark.reliability.event;

import org.jspecify.annotations.NullMarked;
