@NullMarked
package io.bulwark.harness.process;

import org.jspecify.annotations.NullMarked;
