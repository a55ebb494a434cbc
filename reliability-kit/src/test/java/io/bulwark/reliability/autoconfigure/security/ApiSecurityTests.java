package io.bulwark.reliability.autoconfigure.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.oauth2.jwt.Jwt;

class ApiSecurityTests {

  private static Jwt jwt(Map<String, Object> claims) {
    Jwt.Builder jwt =
        Jwt.withTokenValue("t")
            .header("alg", "RS256")
            .subject("customer-1")
            .issuedAt(Instant.now())
            .expiresAt(Instant.now().plusSeconds(60));
    claims.forEach(jwt::claim);
    return jwt.build();
  }

  private static List<String> authorities(Map<String, Object> claims) {
    return ApiSecurity.authorities(jwt(claims)).stream()
        .map(GrantedAuthority::getAuthority)
        .toList();
  }

  @Test
  void scopesCountWhetherTheIssuerSendsThemAsOneStringOrAsAList() {
    assertThat(authorities(Map.of("scope", "openid orders")))
        .containsExactly("SCOPE_openid", "SCOPE_orders");
    assertThat(authorities(Map.of("scope", List.of("openid", "orders"))))
        .containsExactly("SCOPE_openid", "SCOPE_orders");
    assertThat(authorities(Map.of("scp", List.of("orders")))).containsExactly("SCOPE_orders");
  }

  @Test
  void rolesBecomeRoleAuthoritiesAndTheSubjectNamesTheCaller() {
    Jwt token = jwt(Map.of("roles", List.of("operator")));

    assertThat(ApiSecurity.authorities(token))
        .extracting(GrantedAuthority::getAuthority)
        .containsExactly("ROLE_operator");
    assertThat(ApiSecurity.authentication(token).getName()).isEqualTo("customer-1");
  }

  @Test
  void aTokenWithNeitherHasNoAuthority() {
    assertThat(authorities(Map.of("other", "x"))).isEmpty();
  }
}
