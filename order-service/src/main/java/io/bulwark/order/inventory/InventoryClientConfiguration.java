package io.bulwark.order.inventory;

import java.net.http.HttpClient;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.RestClient;

/** A load-balanced HTTP client for inventory-service: each call picks the next instance. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(InventoryProperties.class)
class InventoryClientConfiguration {

  @Bean
  @LoadBalanced
  RestClient.Builder inventoryRestClientBuilder(InventoryProperties properties) {
    JdkClientHttpRequestFactory requests =
        new JdkClientHttpRequestFactory(
            HttpClient.newBuilder()
                .connectTimeout(properties.connectTimeout())
                .version(HttpClient.Version.HTTP_1_1)
                .build());
    requests.setReadTimeout(properties.readTimeout());
    return RestClient.builder().requestFactory(requests).baseUrl(properties.baseUrl().toString());
  }
}
