@NullMarked
package io.bulwark.reliability.web;

import org.jspecify.annotations.NullMarked;
