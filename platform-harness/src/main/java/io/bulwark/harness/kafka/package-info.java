@NullMarked
package io.bulwark.harness.kafka;

import org.jspecify.annotations.NullMarked;
