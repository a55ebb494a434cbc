/**
 * What an operator sees and leaves behind: the audit log of operations ({@link OperationsAudit}),
 * what the purges removed ({@link Housekeeping}), and the state of the kit's tables ({@link
 * ReliabilityTables}).
 */
@NullMarked
package io.bulwark.reliability.operations;

import org.jspecify.annotations.NullMarked;
