package io.sociindexer.backfill;

import io.sociindexer.indexer.IndexOptions;
import io.sociindexer.indexer.SociVersion;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Applies the setting {@code soci-indexer.soci-version} ({@code v1} or {@code v2}, default
 * {@code v2}) to the service's {@link IndexOptions} bean, so that workers and backfill use the
 * chosen SOCI index format.
 *
 * <p>NOTE: this lives here because the settings class belongs to another change; once merged,
 * the property belongs in {@code SociIndexerProperties.toIndexOptions()} and this class can go.
 */
@Configuration(proxyBeanMethods = false)
public class SociVersionConfiguration {

  /** The property that selects the SOCI index format of the service. */
  public static final String PROPERTY = "soci-indexer.soci-version";

  @Bean
  static BeanPostProcessor sociVersionPostProcessor(Environment environment) {
    return new BeanPostProcessor() {
      @Override
      public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (bean instanceof IndexOptions options) {
          return options.withSociVersion(sociVersion(environment));
        }
        return bean;
      }
    };
  }

  /**
   * Reads {@link #PROPERTY}.
   *
   * @throws IllegalStateException naming the property and the accepted values when it is invalid
   */
  static SociVersion sociVersion(Environment environment) {
    String value = environment.getProperty(PROPERTY, "v2");
    try {
      return SociVersion.parse(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(PROPERTY + ": " + e.getMessage(), e);
    }
  }
}
