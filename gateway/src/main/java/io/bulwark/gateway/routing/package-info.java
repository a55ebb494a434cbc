@NullMarked
package io.bulwark.gateway.routing;

import org.jspecify.annotations.NullMarked;
