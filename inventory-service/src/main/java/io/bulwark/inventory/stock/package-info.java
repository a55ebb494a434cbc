@NullMarked
package io.bulwark.inventory.stock;

import org.jspecify.annotations.NullMarked;
