@NullMarked
package io.bulwark.order;

import org.jspecify.annotations.NullMarked;
