package io.bulwark.order.inventory;

import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code bulwark.inventory.*}: where inventory-service is and the socket timeouts under the
 * Resilience4j time limiter (a backstop: the time limiter answers first).
 *
 * @param baseUrl a load-balanced service name ({@code http://inventory-service}) or a plain URL
 * @param rememberedSkus how many confirmed SKUs an instance remembers, so that orders for them need
 *     no call (inventory never removes a SKU); 0 asks on every order
 */
@ConfigurationProperties("bulwark.inventory")
record InventoryProperties(
    @DefaultValue("http://inventory-service") URI baseUrl,
    @DefaultValue("500ms") Duration connectTimeout,
    @DefaultValue("3s") Duration readTimeout,
    @DefaultValue("100000") int rememberedSkus) {}
