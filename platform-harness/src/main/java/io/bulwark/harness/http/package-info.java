@NullMarked
package io.bulwark.harness.http;

import org.jspecify.annotations.NullMarked;
