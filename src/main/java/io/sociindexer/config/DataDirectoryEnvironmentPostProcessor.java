package io.sociindexer.config;

import java.nio.file.Path;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.PropertySource;

/**
 * Publishes {@code soci-indexer.data-dir} as an absolute path under
 * {@code soci-indexer.data-dir-absolute}, which the embedded H2 URL uses, because H2 rejects file
 * paths that are implicitly relative to the working directory. The value is computed when it is
 * read, so property sources added later, such as test properties, are taken into account.
 */
public class DataDirectoryEnvironmentPostProcessor implements EnvironmentPostProcessor {

  static final String ABSOLUTE_PROPERTY = "soci-indexer.data-dir-absolute";

  @Override
  public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
    environment.getPropertySources().addLast(new AbsoluteDataDirectory(environment));
  }

  /**
   * The computed property. Its source object is not the environment itself, because Spring Boot
   * walks into property sources whose source is an environment, which would loop forever here.
   */
  private static final class AbsoluteDataDirectory extends PropertySource<Object> {

    private final ConfigurableEnvironment environment;

    AbsoluteDataDirectory(ConfigurableEnvironment environment) {
      super("sociIndexerDataDirectory", new Object());
      this.environment = environment;
    }

    @Override
    public Object getProperty(String name) {
      if (!ABSOLUTE_PROPERTY.equals(name)) {
        return null;
      }
      String configured = environment.getProperty("soci-indexer.data-dir", "data");
      return Path.of(configured).toAbsolutePath().normalize().toString();
    }
  }
}
