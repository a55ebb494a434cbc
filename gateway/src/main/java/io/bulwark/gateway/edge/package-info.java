@NullMarked
package io.bulwark.gateway.edge;

import org.jspecify.annotations.NullMarked;
