package io.sociindexer.config;

import java.nio.file.Path;
import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Publishes {@code soci-indexer.data-dir} as an absolute path under
 * {@code soci-indexer.data-dir-absolute}, which the embedded H2 URL uses, because H2 rejects file
 * paths that are implicitly relative to the working directory.
 */
public class DataDirectoryEnvironmentPostProcessor implements EnvironmentPostProcessor {

  static final String ABSOLUTE_PROPERTY = "soci-indexer.data-dir-absolute";

  @Override
  public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
    String configured = environment.getProperty("soci-indexer.data-dir", "data");
    String absolute = Path.of(configured).toAbsolutePath().normalize().toString();
    environment
        .getPropertySources()
        .addLast(new MapPropertySource("sociIndexerDataDirectory", Map.of(ABSOLUTE_PROPERTY, absolute)));
  }
}
