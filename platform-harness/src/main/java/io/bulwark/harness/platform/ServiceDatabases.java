package io.bulwark.harness.platform;

import org.jspecify.annotations.Nullable;

/**
 * Where each service's database is: the URL that reaches its primary and, where there is one, the
 * URL of its standby, which then serves the reads a standby may serve ({@code
 * bulwark.standby-reads.url}).
 */
public record ServiceDatabases(
    String orders,
    String inventory,
    @Nullable String ordersStandby,
    @Nullable String inventoryStandby) {

  /** Databases without a standby to read from: every read on the primary. */
  public static ServiceDatabases primaryOnly(String orders, String inventory) {
    return new ServiceDatabases(orders, inventory, null, null);
  }
}
