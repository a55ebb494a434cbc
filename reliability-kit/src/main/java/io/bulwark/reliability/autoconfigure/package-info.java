@NullMarked
package io.bulwark.reliability.autoconfigure;

import org.jspecify.annotations.NullMarked;
