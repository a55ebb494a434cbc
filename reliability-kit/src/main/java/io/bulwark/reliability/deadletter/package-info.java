/**
 * Dead letters an operator can work with: the records a consumer gave up on, collected from the
 * service's dead-letter topics into a table ({@link DeadLetters}), listed, inspected, discarded
 * with a reason, and redriven at a set rate through the consumer that failed ({@link RedriveJobs}).
 */
@NullMarked
package io.bulwark.reliability.deadletter;

import org.jspecify.annotations.NullMarked;
