/**
 * The platform's authorization server: OAuth 2.1 and OpenID Connect 1.0 on Spring Security's
 * authorization server, with the users, clients and signing key that {@code bulwark.auth.*} names.
 */
@NullMarked
package io.bulwark.auth;

import org.jspecify.annotations.NullMarked;
