@NullMarked
package io.bulwark.harness.client;

import org.jspecify.annotations.NullMarked;
