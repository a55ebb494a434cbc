@NullMarked
package io.bulwark.harness.platform;

import org.jspecify.annotations.NullMarked;
