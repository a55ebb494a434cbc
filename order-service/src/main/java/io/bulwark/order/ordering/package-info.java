@NullMarked
package io.bulwark.order.ordering;

import org.jspecify.annotations.NullMarked;
