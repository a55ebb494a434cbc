package io.bulwark.order.ordering;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code bulwark.saga.*}: how long an order may wait for the inventory's answer before it is
 * rejected, and how often pending orders are checked against that deadline (an order concludes at
 * the latest one interval after its deadline).
 *
 * <p>The deadline must outlast the failures the platform rides out, or it turns them into
 * rejections: a Kafka broker cut off the network (not killed) is fenced after its 9 s session and
 * each relay then needs a few seconds more to find the new leaders, on both hops of the saga; in CI
 * that took up to 22 s before order-service's relay published again, and with a 30 s deadline it
 * rejected 3 of 1,483 orders placed under load. Hence 60 s.
 *
 * @param deadline from the order's placing to its rejection when the inventory has not answered
 * @param checkInterval how often the oldest pending orders are checked
 * @param batchSize orders given up in one transaction at most
 */
@ConfigurationProperties("bulwark.saga")
record SagaProperties(
    @DefaultValue("60s") Duration deadline,
    @DefaultValue("1s") Duration checkInterval,
    @DefaultValue("100") int batchSize) {}
