@NullMarked
package io.bulwark.inventory.reservation;

import org.jspecify.annotations.NullMarked;
