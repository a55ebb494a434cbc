@NullMarked
package io.bulwark.reliability.correlation;

import org.jspecify.annotations.NullMarked;
