@NullMarked
package io.bulwark.harness;

import org.jspecify.annotations.NullMarked;
