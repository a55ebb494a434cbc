@NullMarked
package io.bulwark.harness.postgres;

import org.jspecify.annotations.NullMarked;
