/** Silent network faults between local processes: packets dropped, connections left open. */
@NullMarked
package io.bulwark.harness.net;

import org.jspecify.annotations.NullMarked;
