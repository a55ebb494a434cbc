@NullMarked
package io.bulwark.benchmarks;

import org.jspecify.annotations.NullMarked;
