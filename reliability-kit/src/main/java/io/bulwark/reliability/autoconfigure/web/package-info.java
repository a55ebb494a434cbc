@NullMarked
package io.bulwark.reliability.autoconfigure.web;

import org.jspecify.annotations.NullMarked;
