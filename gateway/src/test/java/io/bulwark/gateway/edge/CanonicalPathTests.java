package io.bulwark.gateway.edge;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CanonicalPathTests {

  @ParameterizedTest
  @CsvSource({
    "/api/orders, /api/orders",
    "/%61pi/orders, /api/orders",
    "/%41PI/%6frders, /API/orders",
    "/api;x=1/inventory/SKU-1, /api/inventory/SKU-1",
    "/api/orders;jsessionid=abc, /api/orders",
    "/api/inventory/SKU%2d1, /api/inventory/SKU-1",
    "/api/orders/, /api/orders/",
    "/api/a%20b, /api/a%20b",
    "/api/a%c3%a9, /api/a%C3%A9",
    "/, /"
  })
  void aPathWithOneMeaningHasOneCanonicalForm(String raw, String canonical) {
    assertThat(CanonicalPath.of(raw)).contains(canonical);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/api/orders%2Fx",
        "/api/orders%2fx",
        "/api/%2e%2e/actuator",
        "/api/../actuator",
        "/api/./orders",
        "/api/%2E/orders",
        "/api//orders",
        "/api/;x/orders",
        "/api/orders%5c..",
        "/api/orders\\x",
        "/api/orders%25",
        "/api/orders%00",
        "/api/orders%0d%0a",
        "/api/orders%3bx",
        "/api/orders%",
        "/api/orders%zz",
        "api/orders",
        ""
      })
  void aPathThatReadsTwoWaysIsRefused(String raw) {
    assertThat(CanonicalPath.of(raw)).isEmpty();
  }
}
