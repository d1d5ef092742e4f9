package io.sociindexer.api;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/** Replaces the job store of the application with an {@link InMemoryJobStore}. */
@TestConfiguration(proxyBeanMethods = false)
public class IntakeTestConfiguration {

  @Bean
  @Primary
  public InMemoryJobStore inMemoryJobStore() {
    return new InMemoryJobStore();
  }
}
