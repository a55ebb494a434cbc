@NullMarked
package io.bulwark.gateway;

import org.jspecify.annotations.NullMarked;
