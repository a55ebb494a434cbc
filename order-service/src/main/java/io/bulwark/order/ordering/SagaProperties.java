package io.bulwark.order.ordering;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code bulwark.saga.*}: how long an order may wait for the inventory's answer before it is
 * rejected, and how often pending orders are checked against that deadline (an order concludes at
 * the latest one interval after its deadline).
 *
 * @param deadline from the order's placing to its rejection when the inventory has not answered
 * @param checkInterval how often the oldest pending orders are checked
 * @param batchSize orders given up in one transaction at most
 */
@ConfigurationProperties("bulwark.saga")
record SagaProperties(
    @DefaultValue("30s") Duration deadline,
    @DefaultValue("1s") Duration checkInterval,
    @DefaultValue("100") int batchSize) {}
