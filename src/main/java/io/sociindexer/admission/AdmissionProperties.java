package io.sociindexer.admission;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of image admission, under the prefix {@code soci-indexer}: the registry allow-list
 * ({@code registries.allowed}), global filters ({@code filters}) and the filters of each webhook
 * source ({@code webhook.sources.<name>.filters}). It binds only these keys and ignores the others
 * under the same prefix, which other settings classes read.
 */
@ConfigurationProperties("soci-indexer")
public class AdmissionProperties {

  private Registries registries = new Registries();

  private FilterList filters = new FilterList();

  private Webhook webhook = new Webhook();

  /** Registries the service may contact. */
  public static class Registries {

    /**
     * Registries as host[:port], or *.domain[:port] for every subdomain. The registries in
     * plain-http-registries and credentials.registries are allowed as well.
     */
    private List<String> allowed = new ArrayList<>();

    public List<String> getAllowed() {
      return allowed;
    }

    public void setAllowed(List<String> allowed) {
      this.allowed = allowed;
    }
  }

  /** Include and exclude rules; an image passes when it matches an include rule, or there are none, and no exclude rule. */
  public static class FilterList {

    /** Rules of which an image must match at least one; empty means every image. */
    private List<Rule> include = new ArrayList<>();

    /** Rules of which an image must match none. */
    private List<Rule> exclude = new ArrayList<>();

    public List<Rule> getInclude() {
      return include;
    }

    public void setInclude(List<Rule> include) {
      this.include = include;
    }

    public List<Rule> getExclude() {
      return exclude;
    }

    public void setExclude(List<Rule> exclude) {
      this.exclude = exclude;
    }
  }

  /** One filter rule; each glob is optional and at least one must be set. */
  public static class Rule {

    /** Glob on the registry host[:port], compared without case. */
    private String registry;

    /** Glob on the repository name. */
    private String repository;

    /** Glob on the tag; an image pushed by digest alone matches only globs such as *. */
    private String tag;

    public String getRegistry() {
      return registry;
    }

    public void setRegistry(String registry) {
      this.registry = registry;
    }

    public String getRepository() {
      return repository;
    }

    public void setRepository(String repository) {
      this.repository = repository;
    }

    public String getTag() {
      return tag;
    }

    public void setTag(String tag) {
      this.tag = tag;
    }
  }

  /** The admission settings of the webhook sources. */
  public static class Webhook {

    /** Settings per webhook source name, such as distribution or harbor. */
    private Map<String, Source> sources = new LinkedHashMap<>();

    public Map<String, Source> getSources() {
      return sources;
    }

    public void setSources(Map<String, Source> sources) {
      this.sources = sources;
    }
  }

  /** The admission settings of one webhook source. */
  public static class Source {

    /** Filters applied to this source's pushes after the global filters. */
    private FilterList filters = new FilterList();

    public FilterList getFilters() {
      return filters;
    }

    public void setFilters(FilterList filters) {
      this.filters = filters;
    }
  }

  public Registries getRegistries() {
    return registries;
  }

  public void setRegistries(Registries registries) {
    this.registries = registries;
  }

  public FilterList getFilters() {
    return filters;
  }

  public void setFilters(FilterList filters) {
    this.filters = filters;
  }

  public Webhook getWebhook() {
    return webhook;
  }

  public void setWebhook(Webhook webhook) {
    this.webhook = webhook;
  }
}
