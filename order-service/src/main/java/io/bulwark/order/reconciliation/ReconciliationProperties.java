package io.bulwark.order.reconciliation;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code bulwark.reconciliation.*}: how often orders and reservations are compared, over which
 * changes, and whether safe repairs are made.
 *
 * @param interval how often a periodic check runs (one instance at a time)
 * @param window how far back a check looks: orders and held reservations changed this recently
 * @param settle changes younger than this are left out: their messages may still be on the way
 * @param repair whether a check repairs what is safe to repair, or only reports
 */
@ConfigurationProperties("bulwark.reconciliation")
record ReconciliationProperties(
    @DefaultValue("5m") Duration interval,
    @DefaultValue("15m") Duration window,
    @DefaultValue("1m") Duration settle,
    @DefaultValue("true") boolean repair) {}
