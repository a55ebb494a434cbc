package io.bulwark.order.ordering;

import org.springframework.security.core.Authentication;

/**
 * Who is asking, as the order rules need it: the customer is the token's subject, and the operator
 * may read and cancel any order. Nothing a client sends in a body decides this.
 */
record Caller(String customerId, boolean operator) {

  static Caller of(Authentication authentication) {
    return new Caller(
        authentication.getName(),
        authentication.getAuthorities().stream()
            .anyMatch(authority -> "ROLE_operator".equals(authority.getAuthority())));
  }

  /** Whether the caller may see the order; one it may not see is, to it, one that is not there. */
  boolean maySee(Order order) {
    return operator || order.customerId().equals(customerId);
  }
}
