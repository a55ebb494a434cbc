@NullMarked
package io.bulwark.reliability.transaction;

import org.jspecify.annotations.NullMarked;
