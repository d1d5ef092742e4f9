package io.sociindexer.config;

import io.sociindexer.files.WritableDirectory;
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
 *
 * <p>Reading it also creates the directory when missing and checks that it is a writable
 * directory. A wrong path then stops the start with one message that names the setting, reported
 * by {@link InvalidSettingFailureAnalyzer}, instead of H2's and Flyway's stack traces. The check
 * runs on the first read, not here, so a service whose job store is PostgreSQL needs no data
 * directory unless the zTOC cache uses it.
 */
public class DataDirectoryEnvironmentPostProcessor implements EnvironmentPostProcessor {

  static final String ABSOLUTE_PROPERTY = "soci-indexer.data-dir-absolute";
  static final String PROPERTY = "soci-indexer.data-dir";

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

    /** The last directory found usable, so that repeated reads check it only once. */
    private volatile Path checked;

    AbsoluteDataDirectory(ConfigurableEnvironment environment) {
      super("sociIndexerDataDirectory", new Object());
      this.environment = environment;
    }

    @Override
    public Object getProperty(String name) {
      if (!ABSOLUTE_PROPERTY.equals(name)) {
        return null;
      }
      String configured = environment.getProperty(PROPERTY, "data");
      Path directory = Path.of(configured).toAbsolutePath().normalize();
      if (!directory.equals(checked)) {
        WritableDirectory.check(PROPERTY, directory).ifPresent(problem -> {
          throw new IllegalArgumentException(problem);
        });
        checked = directory;
      }
      return directory.toString();
    }
  }
}
