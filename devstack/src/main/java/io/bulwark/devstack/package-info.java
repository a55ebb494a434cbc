@NullMarked
package io.bulwark.devstack;

import org.jspecify.annotations.NullMarked;
