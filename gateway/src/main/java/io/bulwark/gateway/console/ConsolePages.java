package io.bulwark.gateway.console;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.ViewControllerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * {@code /console} and {@code /console/} open the console's first page (recovery); {@code
 * /console/health} its health page, {@code /console/flow} its flow page and {@code /console/chaos}
 * its chaos page.
 */
@Configuration(proxyBeanMethods = false)
class ConsolePages implements WebMvcConfigurer {

  @Override
  public void addViewControllers(ViewControllerRegistry registry) {
    registry.addRedirectViewController("/console", "/console/");
    registry.addViewController("/console/").setViewName("forward:/console/index.html");
    registry.addViewController("/console/health").setViewName("forward:/console/health.html");
    registry.addViewController("/console/flow").setViewName("forward:/console/flow.html");
    registry.addViewController("/console/chaos").setViewName("forward:/console/chaos.html");
  }
}
