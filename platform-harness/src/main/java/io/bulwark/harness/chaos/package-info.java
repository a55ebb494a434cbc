/**
 * Faults on purpose, for the console's chaos page: an agent in the process that started the
 * platform (the local run, or a test's platform), which alone can kill, freeze and restart its
 * processes, with a steady order load that measures what each fault costs and checks afterwards
 * that no acknowledged order was lost.
 */
@NullMarked
package io.bulwark.harness.chaos;

import org.jspecify.annotations.NullMarked;
