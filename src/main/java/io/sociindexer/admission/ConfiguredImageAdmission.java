package io.sociindexer.admission;

import io.sociindexer.job.ImageAdmission;
import io.sociindexer.job.ImageTarget;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@link ImageAdmission} of the service: a registry allow-list, then global filters, then the
 * filters of the source. The checks run in that order and the first rejection wins:
 *
 * <ol>
 *   <li>the image's registry must be on the {@link RegistryAllowList}. The registry checked is the
 *       one the image reference names ({@code docker.io} for Docker Hub), and the registry client
 *       sends requests only to that registry's API host, so allowing {@code docker.io} lets the
 *       service call {@code registry-1.docker.io} and no other name. A rejection here has
 *       {@link Refusal#registryNotAllowed()} set;
 *   <li>the image must pass the global filters ({@code soci-indexer.filters});
 *   <li>the image must pass the filters of its source
 *       ({@code soci-indexer.webhook.sources.<source>.filters}). A source without filters, such
 *       as {@code api}, passes. Source filters can only narrow what the global filters let
 *       through.
 * </ol>
 *
 * <p>Each level passes an image that matches at least one of its include rules, or has none, and
 * matches none of its exclude rules; see {@link FilterRule} for the globs. Nothing here resolves a
 * name or contacts a host. Immutable and thread-safe.
 */
public final class ConfiguredImageAdmission implements ImageAdmission {

  /** The configuration key of the allow-list, named in rejection messages. */
  public static final String ALLOWED_PROPERTY = "soci-indexer.registries.allowed";

  private final RegistryAllowList allowList;
  private final Filters global;
  private final Map<String, Filters> bySource;

  /**
   * Creates the admission.
   *
   * @param bySource filters per source name; a source missing from the map has none
   */
  public ConfiguredImageAdmission(
      RegistryAllowList allowList, Filters global, Map<String, Filters> bySource) {
    this.allowList = Objects.requireNonNull(allowList, "allowList");
    this.global = Objects.requireNonNull(global, "global");
    this.bySource = Map.copyOf(bySource);
  }

  @Override
  public Optional<Refusal> check(ImageTarget image, String source) {
    if (!allowList.allows(image.registry())) {
      return Optional.of(new Refusal(notAllowed(image.registry()), true));
    }

    Optional<String> filtered = global.rejection(image);
    if (filtered.isEmpty() && source != null && bySource.containsKey(source)) {
      filtered = bySource.get(source).rejection(image);
    }
    return filtered.map(reason -> new Refusal(reason, false));
  }

  private static String notAllowed(String registry) {
    return "registry " + registry + " is not in " + ALLOWED_PROPERTY
        + ", so the service does not contact it. Add it there to index its images.";
  }

  public RegistryAllowList allowList() {
    return allowList;
  }

  public Filters globalFilters() {
    return global;
  }

  public Map<String, Filters> sourceFilters() {
    return bySource;
  }
}
