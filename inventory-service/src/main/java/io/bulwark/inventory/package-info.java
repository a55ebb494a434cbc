@NullMarked
package io.bulwark.inventory;

import org.jspecify.annotations.NullMarked;
