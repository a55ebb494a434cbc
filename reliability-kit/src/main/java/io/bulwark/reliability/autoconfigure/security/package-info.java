/**
 * The services' API as an OAuth 2 resource server: bearer JWTs checked against the issuer, the
 * audience and the clock, roles and scopes as authorities, and RFC 9457 answers for {@code 401} and
 * {@code 403}.
 */
@NullMarked
package io.bulwark.reliability.autoconfigure.security;

import org.jspecify.annotations.NullMarked;
