/**
 * The operator's console, served by the gateway at {@code /console/} to the {@code operator} role
 * alone (the rule is the edge's): static pages that read and act through the services' operations
 * API with the browser's session, as any API client would; and the health page's stream, which one
 * sampler here ({@link PlatformWatch}) fills for every open page from the instances' actuators.
 */
@NullMarked
package io.bulwark.gateway.console;

import org.jspecify.annotations.NullMarked;
