package io.sociindexer.admission;

import io.sociindexer.config.SociIndexerProperties;
import io.sociindexer.job.ImageAdmission;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Creates the service's {@link ImageAdmission} from {@link AdmissionProperties}. The allow-list is
 * the union of {@code soci-indexer.registries.allowed}, {@code soci-indexer.plain-http-registries}
 * and the registry names under {@code soci-indexer.credentials.registries}: a registry the
 * operator configured in any of them is one the service is meant to contact. When the union is
 * empty, every image is rejected. Invalid entries or rules stop the service at startup with a
 * message that names the key.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(AdmissionProperties.class)
public class AdmissionConfiguration {

  static final String ALLOWED_PROPERTY = "soci-indexer.registries.allowed";
  static final String PLAIN_HTTP_PROPERTY = "soci-indexer.plain-http-registries";
  static final String CREDENTIALS_PROPERTY = "soci-indexer.credentials.registries";
  static final String FILTERS_PROPERTY = "soci-indexer.filters";
  static final String SOURCES_PROPERTY = "soci-indexer.webhook.sources";

  private static final Logger log = LoggerFactory.getLogger(AdmissionConfiguration.class);

  @Bean
  public ImageAdmission imageAdmission(
      AdmissionProperties admission, SociIndexerProperties properties, Environment environment) {
    checkRegistries(ALLOWED_PROPERTY, admission.getRegistries().getAllowed());
    checkRegistries(PLAIN_HTTP_PROPERTY, properties.getPlainHttpRegistries());
    List<String> withCredentials = List.copyOf(credentialRegistries(environment));
    checkRegistries(CREDENTIALS_PROPERTY, withCredentials);

    List<String> allowed = new ArrayList<>(admission.getRegistries().getAllowed());
    allowed.addAll(properties.getPlainHttpRegistries());
    allowed.addAll(withCredentials);

    ConfiguredImageAdmission built = build(admission, allowed);
    logSettings(built);
    return built;
  }

  /** Parses the entries of one setting, so that an invalid entry names the setting it is in. */
  static void checkRegistries(String property, List<String> entries) {
    try {
      RegistryAllowList.of(entries);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(property + " has an " + e.getMessage(), e);
    }
  }

  /**
   * Builds the admission from the settings and the full allow-list.
   *
   * @throws IllegalArgumentException naming the key of an invalid entry or rule
   */
  static ConfiguredImageAdmission build(AdmissionProperties admission, List<String> allowed) {
    RegistryAllowList allowList = RegistryAllowList.of(allowed);
    Filters global = filters(FILTERS_PROPERTY, admission.getFilters());

    Map<String, Filters> bySource = new LinkedHashMap<>();
    admission.getWebhook().getSources().forEach((name, source) -> {
      String property = SOURCES_PROPERTY + "." + name + ".filters";
      bySource.put(name, filters(property, source.getFilters()));
    });
    return new ConfiguredImageAdmission(allowList, global, bySource);
  }

  /**
   * Returns the registry names configured with credentials. Their settings class belongs to the
   * registry authentication, so only the map keys are read here.
   */
  static Set<String> credentialRegistries(Environment environment) {
    return Binder.get(environment)
        .bind(CREDENTIALS_PROPERTY, Bindable.mapOf(String.class, Object.class))
        .map(Map::keySet)
        .map(Set::copyOf)
        .orElse(Set.of());
  }

  private static Filters filters(String property, AdmissionProperties.FilterList list) {
    if (list == null) {
      return Filters.none(property);
    }
    return new Filters(
        property,
        rules(property + ".include", list.getInclude()),
        rules(property + ".exclude", list.getExclude()));
  }

  private static List<FilterRule> rules(String property, List<AdmissionProperties.Rule> rules) {
    List<FilterRule> parsed = new ArrayList<>();
    for (int i = 0; i < rules.size(); i++) {
      AdmissionProperties.Rule rule = rules.get(i);
      try {
        parsed.add(FilterRule.of(rule.getRegistry(), rule.getRepository(), rule.getTag()));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(property + "[" + i + "]: " + e.getMessage(), e);
      }
    }
    return parsed;
  }

  private static void logSettings(ConfiguredImageAdmission admission) {
    if (admission.allowList().isEmpty()) {
      log.warn(
          "no registry is allowed, so every job and webhook push is rejected. List registries"
              + " in {}",
          ConfiguredImageAdmission.ALLOWED_PROPERTY);
    } else {
      log.info("registries allowed registries={}", admission.allowList());
    }

    Filters global = admission.globalFilters();
    if (!global.isEmpty()) {
      log.info("image filters filters={} include={} exclude={}",
          global.property(), global.include(), global.exclude());
    }
    admission.sourceFilters().values().stream()
        .filter(filters -> !filters.isEmpty())
        .forEach(filters -> log.info("image filters filters={} include={} exclude={}",
            filters.property(), filters.include(), filters.exclude()));
  }
}
