@NullMarked
package io.bulwark.order.inventory;

import org.jspecify.annotations.NullMarked;
