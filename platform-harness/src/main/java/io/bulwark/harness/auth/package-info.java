/**
 * Who the platform knows: its demo users and clients with generated secrets, the settings that
 * point each part at the authorization server, and access tokens obtained the way a real client
 * obtains them.
 */
@NullMarked
package io.bulwark.harness.auth;

import org.jspecify.annotations.NullMarked;
