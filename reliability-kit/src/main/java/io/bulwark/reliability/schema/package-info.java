@NullMarked
package io.bulwark.reliability.schema;

import org.jspecify.annotations.NullMarked;
