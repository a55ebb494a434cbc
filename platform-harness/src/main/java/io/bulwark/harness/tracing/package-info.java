/** Traces as the services export them: a receiver of OTLP over HTTP and the spans it holds. */
@NullMarked
package io.bulwark.harness.tracing;

import org.jspecify.annotations.NullMarked;
