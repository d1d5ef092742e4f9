package io.sociindexer.config;

import io.sociindexer.indexer.IndexOptions;
import io.sociindexer.indexer.SociVersion;
import io.sociindexer.layer.LayerLimits;
import io.sociindexer.oci.Platform;
import io.sociindexer.registry.RequestRetryPolicy;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.BindingResult;
import org.springframework.validation.Errors;
import org.springframework.validation.FieldError;
import org.springframework.validation.Validator;
import org.springframework.validation.annotation.Validated;

/** Settings of the soci-indexer service, under the prefix {@code soci-indexer}. */
@ConfigurationProperties("soci-indexer")
@Validated
public class SociIndexerProperties implements Validator {

  /** Directory of the embedded job store and other local state. */
  @NotNull private Path dataDir = Path.of("data");

  /** Registries reached over plain HTTP instead of HTTPS, as host:port. */
  @NotNull private List<String> plainHttpRegistries = new ArrayList<>();

  /** docker config.json with registry credentials; unset means $DOCKER_CONFIG, then ~/.docker. */
  private Path dockerConfig;

  /** Uncompressed bytes per span of a gzip layer, or raw bytes per span of a plain tar layer. */
  @NotNull private DataSize spanSize = DataSize.ofBytes(IndexOptions.DEFAULT_SPAN_SIZE);

  /** Layers whose compressed size is below this get no zTOC and are never downloaded. */
  @NotNull private DataSize minLayerSize = DataSize.ofBytes(IndexOptions.DEFAULT_MIN_LAYER_SIZE);

  /**
   * Maximum decompressed size of one layer; a layer that inflates past it fails as a likely gzip
   * bomb. 0 turns the limit off.
   */
  @NotNull
  private DataSize maxUncompressedLayerSize =
      DataSize.ofBytes(LayerLimits.DEFAULT_MAX_UNCOMPRESSED_SIZE);

  /**
   * Maximum ratio of decompressed to compressed bytes of a layer, checked once the layer has
   * inflated past inflate-ratio-check-above. 0 turns the limit off.
   */
  @Min(value = 0, message = "soci-indexer.max-inflate-ratio must not be negative")
  private int maxInflateRatio = LayerLimits.DEFAULT_MAX_INFLATE_RATIO;

  /** Decompressed bytes of a layer after which max-inflate-ratio applies. */
  @NotNull
  private DataSize inflateRatioCheckAbove = DataSize.ofBytes(LayerLimits.DEFAULT_RATIO_CHECK_ABOVE);

  /**
   * Maximum tar entries in one layer; the indexer keeps every entry in memory until the zTOC is
   * written. 0 turns the limit off.
   */
  @Min(value = 0, message = "soci-indexer.max-tar-entries must not be negative")
  private int maxTarEntries = LayerLimits.DEFAULT_MAX_ENTRIES;

  /**
   * Maximum estimated size of one layer's zTOC, which bounds the memory that long names and PAX
   * records take while it is built. 0 turns the limit off.
   */
  @NotNull private DataSize maxZtocSize = DataSize.ofBytes(LayerLimits.DEFAULT_MAX_ZTOC_SIZE);

  /** Platforms to index, as os/architecture[/variant]; empty means every platform. */
  @NotNull private List<String> platforms = new ArrayList<>();

  /** Suffix of the tag that receives the SOCI-enabled image index. */
  @NotNull private String tagSuffix = IndexOptions.DEFAULT_TAG_SUFFIX;

  /**
   * Move the pushed tag itself to the SOCI-enabled image index, only while it still points at the
   * indexed digest, instead of adding a suffixed tag.
   */
  private boolean inPlace;

  /**
   * SOCI index format: {@code v2} (an image index that binds each SOCI index to its image, read
   * by soci-snapshotter 0.10 and later by default) or {@code v1} (a SOCI index that refers to its
   * image through the referrers API or the {@code sha256-<hex>} fallback tag).
   */
  @NotNull private String sociVersion = "v2";

  /** Index pushes made by digest without a tag; their output is tagged sha256-<hex><suffix>. */
  private boolean indexUntaggedPushes;

  /**
   * Lease owner name of this replica in the job store; unset means the host name plus a random
   * suffix. Replicas that share one job store need different node ids.
   */
  private String nodeId;

  /**
   * Layers of one image indexed at once. Each running job gets its own layer threads, so a
   * replica inflates up to workers.count times this many layers at once. Inflating a layer keeps
   * one core busy, so keep that product near the number of CPU cores.
   */
  @Min(value = 1, message = "soci-indexer.layer-concurrency must be between 1 and 64")
  @Max(value = 64, message = "soci-indexer.layer-concurrency must be between 1 and 64")
  private int layerConcurrency = 2;

  @Valid @NotNull private ZtocCacheSettings ztocCache = new ZtocCacheSettings();

  @Valid @NotNull private Workers workers = new Workers();

  @Valid @NotNull private Retry retry = new Retry();

  @Valid @NotNull private RegistryRequests registryRequests = new RegistryRequests();

  @Valid @NotNull private Webhook webhook = new Webhook();

  @Valid @NotNull private Retention retention = new Retention();

  /**
   * Reuse of zTOCs by layer digest, so that a layer shared by several images (a common base
   * layer) is read and indexed once: a local cache, then the records of the job store. Entries
   * are checked against their digest before use, and an entry whose bytes were evicted is read
   * back from the repository that is indexed.
   */
  public static class ZtocCacheSettings {

    /** Reuse zTOCs of layers indexed before with the same span size. */
    private boolean enabled = true;

    /**
     * Also record each pushed zTOC in the job store, and reuse the zTOCs that any replica
     * recorded there for any repository of the same registry when the local cache misses. Takes
     * effect only when enabled is true.
     */
    private boolean jobStore = true;

    /** Directory of the cache; unset means ztoc-cache under soci-indexer.data-dir. */
    private Path directory;

    /**
     * zTOC bytes kept on disk. Older ones are evicted and only their descriptors stay, so reusing
     * them reads the zTOC blob back from the image's own repository, or, with {@code job-store},
     * from another repository of the same registry that has it; otherwise the layer is indexed
     * again.
     */
    @NotNull private DataSize maxSize = DataSize.ofGigabytes(1);

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public boolean isJobStore() {
      return jobStore;
    }

    public void setJobStore(boolean jobStore) {
      this.jobStore = jobStore;
    }

    public Path getDirectory() {
      return directory;
    }

    public void setDirectory(Path directory) {
      this.directory = directory;
    }

    public DataSize getMaxSize() {
      return maxSize;
    }

    public void setMaxSize(DataSize maxSize) {
      this.maxSize = maxSize;
    }
  }

  /** Worker settings. */
  public static class Workers {

    /** Jobs this replica runs at once. */
    @Min(value = 0, message = "soci-indexer.workers.count must be between 0 and 256")
    @Max(value = 256, message = "soci-indexer.workers.count must be between 0 and 256")
    private int count = 2;

    /** Jobs this replica runs at once against one registry. */
    @Min(value = 1, message = "soci-indexer.workers.per-registry must be at least 1")
    private int perRegistry = 2;

    /** Time one attempt of a job may take before it fails as timed out. */
    @NotNull private Duration jobTimeout = Duration.ofMinutes(30);

    /** How long a claim lasts without renewal; a replica that stops renewing loses its jobs. */
    @NotNull private Duration lease = Duration.ofSeconds(60);

    /** How often idle workers look for queued jobs. */
    @NotNull private Duration pollInterval = Duration.ofSeconds(1);

    /** How long a graceful shutdown waits for running jobs before putting them back in the queue. */
    @NotNull private Duration shutdownGracePeriod = Duration.ofSeconds(30);

    public int getCount() {
      return count;
    }

    public void setCount(int count) {
      this.count = count;
    }

    public int getPerRegistry() {
      return perRegistry;
    }

    public void setPerRegistry(int perRegistry) {
      this.perRegistry = perRegistry;
    }

    public Duration getJobTimeout() {
      return jobTimeout;
    }

    public void setJobTimeout(Duration jobTimeout) {
      this.jobTimeout = jobTimeout;
    }

    public Duration getLease() {
      return lease;
    }

    public void setLease(Duration lease) {
      this.lease = lease;
    }

    public Duration getPollInterval() {
      return pollInterval;
    }

    public void setPollInterval(Duration pollInterval) {
      this.pollInterval = pollInterval;
    }

    public Duration getShutdownGracePeriod() {
      return shutdownGracePeriod;
    }

    public void setShutdownGracePeriod(Duration shutdownGracePeriod) {
      this.shutdownGracePeriod = shutdownGracePeriod;
    }
  }

  /** Retry policy for failures that may pass: network errors, 5xx, 429. */
  public static class Retry {

    /** Attempts in all, the first included; a job fails after the last. */
    @Min(value = 1, message = "soci-indexer.retry.max-attempts must be at least 1")
    private int maxAttempts = 5;

    /** Wait before the second attempt; each later wait doubles. */
    @NotNull private Duration initialBackoff = Duration.ofSeconds(5);

    /** Maximum wait between attempts, also the cap on a registry's Retry-After. */
    @NotNull private Duration maxBackoff = Duration.ofMinutes(5);

    public int getMaxAttempts() {
      return maxAttempts;
    }

    public void setMaxAttempts(int maxAttempts) {
      this.maxAttempts = maxAttempts;
    }

    public Duration getInitialBackoff() {
      return initialBackoff;
    }

    public void setInitialBackoff(Duration initialBackoff) {
      this.initialBackoff = initialBackoff;
    }

    public Duration getMaxBackoff() {
      return maxBackoff;
    }

    public void setMaxBackoff(Duration maxBackoff) {
      this.maxBackoff = maxBackoff;
    }
  }

  /**
   * Retries of one registry request inside a job: seconds of transient failures that should not
   * cost a whole job attempt. Longer outages fall to the job-level {@link Retry}.
   */
  public static class RegistryRequests {

    private static final String MAX_ATTEMPTS_RANGE =
        "soci-indexer.registry-requests.max-attempts must be between 1 and 20";
    private static final String MAX_RESUMES_RANGE =
        "soci-indexer.registry-requests.max-resumes must be between 0 and 100";

    /** Attempts of one request in all, the first included; 1 turns request retries off. */
    @Min(value = 1, message = MAX_ATTEMPTS_RANGE)
    @Max(value = 20, message = MAX_ATTEMPTS_RANGE)
    private int maxAttempts = 4;

    /** Wait before the second attempt of a request; each later wait doubles, with jitter. */
    @NotNull private Duration initialBackoff = Duration.ofMillis(250);

    /** Maximum wait between two attempts of a request. */
    @NotNull private Duration maxBackoff = Duration.ofSeconds(4);

    /**
     * Longest Retry-After waited inside a request; a registry that requests a longer wait fails the
     * request, and the job-level retry waits instead.
     */
    @NotNull private Duration maxRetryAfter = Duration.ofSeconds(10);

    /** Times a blob download reopens with a Range request after its body broke mid-stream. */
    @Min(value = 0, message = MAX_RESUMES_RANGE)
    @Max(value = 100, message = MAX_RESUMES_RANGE)
    private int maxResumes = 5;

    /** Returns these settings as the registry client's policy. */
    public RequestRetryPolicy toPolicy() {
      return new RequestRetryPolicy(
          maxAttempts, initialBackoff, maxBackoff, maxRetryAfter, maxResumes);
    }

    public int getMaxAttempts() {
      return maxAttempts;
    }

    public void setMaxAttempts(int maxAttempts) {
      this.maxAttempts = maxAttempts;
    }

    public Duration getInitialBackoff() {
      return initialBackoff;
    }

    public void setInitialBackoff(Duration initialBackoff) {
      this.initialBackoff = initialBackoff;
    }

    public Duration getMaxBackoff() {
      return maxBackoff;
    }

    public void setMaxBackoff(Duration maxBackoff) {
      this.maxBackoff = maxBackoff;
    }

    public Duration getMaxRetryAfter() {
      return maxRetryAfter;
    }

    public void setMaxRetryAfter(Duration maxRetryAfter) {
      this.maxRetryAfter = maxRetryAfter;
    }

    public int getMaxResumes() {
      return maxResumes;
    }

    public void setMaxResumes(int maxResumes) {
      this.maxResumes = maxResumes;
    }
  }

  /** Webhook intake settings. */
  public static class Webhook {

    /**
     * Largest request body a webhook endpoint reads; a larger one is rejected with 413. One
     * Distribution envelope contains a few events of about 1 KiB each, so 1 MiB leaves ample room.
     */
    @NotNull private DataSize maxBodySize = DataSize.ofMegabytes(1);

    /**
     * Sender authentication of each webhook source, keyed by the source name in
     * {@code /webhooks/{name}}, such as {@code harbor}. A source without an entry uses the
     * defaults listed under {@code soci-indexer.webhook.sources.<name>}.
     */
    @Valid @NotNull private Map<String, WebhookSourceSettings> sources = new LinkedHashMap<>();

    public DataSize getMaxBodySize() {
      return maxBodySize;
    }

    public void setMaxBodySize(DataSize maxBodySize) {
      this.maxBodySize = maxBodySize;
    }

    public Map<String, WebhookSourceSettings> getSources() {
      return sources;
    }

    public void setSources(Map<String, WebhookSourceSettings> sources) {
      this.sources = sources;
    }

    /** Returns the settings of source {@code name}, or the defaults when it has no entry. */
    public WebhookSourceSettings source(String name) {
      WebhookSourceSettings configured = sources.get(name);
      return configured != null ? configured : new WebhookSourceSettings();
    }
  }

  /**
   * Deletion of old rows from the job store, so that a busy registry does not grow its tables
   * forever. Queued and running jobs are never deleted.
   */
  public static class Retention {

    /**
     * Age after which a job in a final state (succeeded, skipped, failed or cancelled) is
     * deleted, counted from when it finished. 0 keeps finished jobs forever.
     */
    @NotNull private Duration finishedJobs = Duration.ofDays(30);

    /**
     * Age after which a zTOC record in the job store is deleted, counted from when the zTOC was
     * last pushed to that repository. A layer whose record is gone is indexed again unless the
     * local zTOC cache has it. 0 keeps zTOC records forever.
     */
    @NotNull private Duration ztocRecords = Duration.ofDays(90);

    /** Time between two sweeps for old rows; the first runs within 30 seconds of startup. */
    @NotNull private Duration interval = Duration.ofHours(1);

    public Duration getFinishedJobs() {
      return finishedJobs;
    }

    public void setFinishedJobs(Duration finishedJobs) {
      this.finishedJobs = finishedJobs;
    }

    public Duration getZtocRecords() {
      return ztocRecords;
    }

    public void setZtocRecords(Duration ztocRecords) {
      this.ztocRecords = ztocRecords;
    }

    public Duration getInterval() {
      return interval;
    }

    public void setInterval(Duration interval) {
      this.interval = interval;
    }
  }

  /**
   * Sender authentication of one webhook source. Each source documents which of these fields it
   * reads. A source whose {@code secret} (or {@code username} and {@code password}) is unset
   * rejects every delivery with 401, unless {@code allow-unauthenticated} is true; the
   * {@code distribution} source is the exception and accepts unauthenticated deliveries when no
   * secret is set, for compatibility with earlier releases.
   */
  public static class WebhookSourceSettings {

    /** Whether {@code /webhooks/{name}} accepts deliveries; a disabled source replies 404. */
    private boolean enabled = true;

    /**
     * Shared secret the sender presents: the exact header value for header-based sources, or the
     * {@code token} query parameter for Docker Hub and Quay. Compared in constant time.
     */
    private String secret;

    /** Name of the header that carries the secret, for sources that send one. */
    private String header;

    /** User name of HTTP basic authentication, for sources that send it. */
    private String username;

    /** Password of HTTP basic authentication, for sources that send it. */
    private String password;

    /** Accept deliveries without any credentials; only for networks where no other client can post. */
    private boolean allowUnauthenticated;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public String getSecret() {
      return secret;
    }

    public void setSecret(String secret) {
      this.secret = secret;
    }

    public String getHeader() {
      return header;
    }

    public void setHeader(String header) {
      this.header = header;
    }

    public String getUsername() {
      return username;
    }

    public void setUsername(String username) {
      this.username = username;
    }

    public String getPassword() {
      return password;
    }

    public void setPassword(String password) {
      this.password = password;
    }

    public boolean isAllowUnauthenticated() {
      return allowUnauthenticated;
    }

    public void setAllowUnauthenticated(boolean allowUnauthenticated) {
      this.allowUnauthenticated = allowUnauthenticated;
    }

    /** Hides the credentials, so that logging the settings never prints them. */
    @Override
    public String toString() {
      return "WebhookSourceSettings[enabled=" + enabled + ", header=" + header
          + ", secret=" + (secret == null ? "unset" : "set")
          + ", username=" + (username == null ? "unset" : "set")
          + ", allowUnauthenticated=" + allowUnauthenticated + "]";
    }
  }

  /** Builds the indexing options every worker uses. */
  public IndexOptions toIndexOptions() {
    List<Platform> parsed = platforms.stream().map(Platform::parse).toList();
    return IndexOptions.defaults()
        .withSpanSize(spanSize.toBytes())
        .withMinLayerSize(minLayerSize.toBytes())
        .withPlatforms(parsed)
        .withTagSuffix(tagSuffix)
        .withInPlace(inPlace)
        .withSociVersion(SociVersion.parse(sociVersion))
        .withLayerLimits(
            new LayerLimits(
                maxUncompressedLayerSize.toBytes(),
                maxInflateRatio,
                inflateRatioCheckAbove.toBytes(),
                maxTarEntries,
                maxZtocSize.toBytes()));
  }

  @Override
  public boolean supports(Class<?> type) {
    return SociIndexerProperties.class.isAssignableFrom(type);
  }

  /**
   * Checks the settings that a single annotation cannot express. Each problem is reported on the
   * setting's own name, so Spring Boot's startup report names it, its value and where it was set.
   */
  @Override
  public void validate(Object target, Errors errors) {
    SociIndexerProperties settings = (SociIndexerProperties) target;

    rejectUnlessPositive(errors, "span-size", settings.spanSize, "such as 4MB");
    rejectNegative(errors, "min-layer-size", settings.minLayerSize);
    rejectNegative(errors, "max-uncompressed-layer-size", settings.maxUncompressedLayerSize);
    rejectNegative(errors, "inflate-ratio-check-above", settings.inflateRatioCheckAbove);
    rejectNegative(errors, "max-ztoc-size", settings.maxZtocSize);
    if (!isSociVersion(settings.sociVersion)) {
      reject(errors, "soci-version", settings.sociVersion, "must be v1 or v2");
    }
    if (!settings.inPlace && (settings.tagSuffix == null || settings.tagSuffix.isEmpty())) {
      reject(errors, "tag-suffix", settings.tagSuffix,
          "must not be empty unless soci-indexer.in-place is true");
    }
    rejectInvalidPlatforms(errors, settings.platforms);
    rejectInvalidNodeId(errors, settings.nodeId);
    rejectWildcardPlainHttp(errors, settings.plainHttpRegistries);

    validateNested(errors, settings);
  }

  private static void validateNested(Errors errors, SociIndexerProperties settings) {
    Workers workers = settings.workers;
    if (workers != null) {
      rejectUnlessPositive(errors, "workers.job-timeout", workers.getJobTimeout());
      rejectUnlessPositive(errors, "workers.lease", workers.getLease());
      rejectUnlessPositive(errors, "workers.poll-interval", workers.getPollInterval());
      rejectNegative(errors, "workers.shutdown-grace-period", workers.getShutdownGracePeriod());
    }
    Retry retry = settings.retry;
    if (retry != null) {
      rejectNegative(errors, "retry.initial-backoff", retry.getInitialBackoff());
      rejectNegative(errors, "retry.max-backoff", retry.getMaxBackoff());
    }
    RegistryRequests requests = settings.registryRequests;
    if (requests != null) {
      rejectNegative(errors, "registry-requests.initial-backoff", requests.getInitialBackoff());
      rejectNegative(errors, "registry-requests.max-backoff", requests.getMaxBackoff());
      rejectNegative(errors, "registry-requests.max-retry-after", requests.getMaxRetryAfter());
    }
    Webhook webhook = settings.webhook;
    if (webhook != null) {
      rejectUnlessPositive(
          errors, "webhook.max-body-size", webhook.getMaxBodySize(), "such as 1MB");
    }
    Retention retention = settings.retention;
    if (retention != null) {
      rejectNegativeRetention(errors, "retention.finished-jobs", retention.getFinishedJobs());
      rejectNegativeRetention(errors, "retention.ztoc-records", retention.getZtocRecords());
      rejectUnlessPositive(errors, "retention.interval", retention.getInterval());
    }
  }

  private static void rejectNegativeRetention(Errors errors, String name, Duration age) {
    if (age == null || age.isNegative()) {
      reject(errors, name, age, "must not be negative, such as 30d (0 keeps rows forever)");
    }
  }

  private static void rejectNegative(Errors errors, String name, DataSize size) {
    if (size == null || size.toBytes() < 0) {
      reject(errors, name, size, "must not be negative (0 turns it off)");
    }
  }

  private static void rejectUnlessPositive(
      Errors errors, String name, DataSize size, String example) {
    if (size == null || size.toBytes() <= 0) {
      reject(errors, name, size, "must be greater than zero, " + example);
    }
  }

  private static void rejectNegative(Errors errors, String name, Duration duration) {
    if (duration == null || duration.isNegative()) {
      reject(errors, name, duration, "must not be negative");
    }
  }

  private static void rejectUnlessPositive(Errors errors, String name, Duration duration) {
    if (duration == null || duration.isNegative() || duration.isZero()) {
      reject(errors, name, duration, "must be greater than zero, such as 30s");
    }
  }

  /**
   * Reports {@code message} for the setting {@code soci-indexer.<name>} on the bean property of
   * that setting. Spring Boot then prints the setting's origin, such as the file and line, with
   * the message, which names the setting as it is written in configuration.
   */
  private static void reject(Errors errors, String name, Object value, String message) {
    String text = "soci-indexer." + name + " " + message;
    if (!(errors instanceof BindingResult result)) {
      errors.reject("invalid", text);
      return;
    }
    String field = beanPath(name);
    String[] codes = result.resolveMessageCodes("invalid", field);
    result.addError(
        new FieldError(result.getObjectName(), field, value, false, codes, null, text));
  }

  /** Returns the bean path of a dashed setting name, such as workers.pollInterval. */
  private static String beanPath(String name) {
    StringBuilder path = new StringBuilder();
    boolean upper = false;
    for (char c : name.toCharArray()) {
      if (c == '-') {
        upper = true;
      } else {
        path.append(upper ? Character.toUpperCase(c) : c);
        upper = false;
      }
    }
    return path.toString();
  }

  private static boolean isSociVersion(String text) {
    try {
      SociVersion.parse(text);
      return true;
    } catch (IllegalArgumentException | NullPointerException e) {
      return false;
    }
  }

  private static void rejectInvalidPlatforms(Errors errors, List<String> platforms) {
    if (platforms == null) {
      return;
    }
    for (String platform : platforms) {
      try {
        Platform.parse(platform);
      } catch (IllegalArgumentException e) {
        reject(errors, "platforms", platforms, "has an invalid entry '" + platform
            + "': write os/architecture[/variant], such as linux/amd64");
        return;
      }
    }
  }

  /**
   * Rejects a node id with whitespace or an unresolved placeholder such as {@code ${HOSTNAME}},
   * which would give every replica the same lease owner name.
   */
  private static void rejectInvalidNodeId(Errors errors, String nodeId) {
    if (nodeId == null || nodeId.isBlank()) {
      return;
    }
    if (nodeId.contains("${")) {
      reject(errors, "node-id", nodeId, "contains a placeholder that was not resolved; set the"
          + " variable, write ${HOSTNAME:} so that an unset variable leaves the id unset, or"
          + " remove the setting to get a generated id");
    } else if (nodeId.strip().chars().anyMatch(Character::isWhitespace)) {
      reject(errors, "node-id", nodeId, "must not contain whitespace");
    }
  }

  /** Rejects {@code *.domain} entries, which only the allow-list understands. */
  private static void rejectWildcardPlainHttp(Errors errors, List<String> registries) {
    if (registries == null) {
      return;
    }
    for (String registry : registries) {
      if (registry != null && registry.strip().startsWith("*")) {
        reject(errors, "plain-http-registries", registries, "has the wildcard entry '" + registry
            + "', but plain HTTP is chosen per exact host:port; list each registry");
        return;
      }
    }
  }

  public Path getDataDir() {
    return dataDir;
  }

  public void setDataDir(Path dataDir) {
    this.dataDir = dataDir;
  }

  public List<String> getPlainHttpRegistries() {
    return plainHttpRegistries;
  }

  public void setPlainHttpRegistries(List<String> plainHttpRegistries) {
    this.plainHttpRegistries = plainHttpRegistries;
  }

  public Path getDockerConfig() {
    return dockerConfig;
  }

  public void setDockerConfig(Path dockerConfig) {
    this.dockerConfig = dockerConfig;
  }

  public DataSize getSpanSize() {
    return spanSize;
  }

  public void setSpanSize(DataSize spanSize) {
    this.spanSize = spanSize;
  }

  public DataSize getMinLayerSize() {
    return minLayerSize;
  }

  public void setMinLayerSize(DataSize minLayerSize) {
    this.minLayerSize = minLayerSize;
  }

  public DataSize getMaxUncompressedLayerSize() {
    return maxUncompressedLayerSize;
  }

  public void setMaxUncompressedLayerSize(DataSize maxUncompressedLayerSize) {
    this.maxUncompressedLayerSize = maxUncompressedLayerSize;
  }

  public int getMaxInflateRatio() {
    return maxInflateRatio;
  }

  public void setMaxInflateRatio(int maxInflateRatio) {
    this.maxInflateRatio = maxInflateRatio;
  }

  public DataSize getInflateRatioCheckAbove() {
    return inflateRatioCheckAbove;
  }

  public void setInflateRatioCheckAbove(DataSize inflateRatioCheckAbove) {
    this.inflateRatioCheckAbove = inflateRatioCheckAbove;
  }

  public int getMaxTarEntries() {
    return maxTarEntries;
  }

  public void setMaxTarEntries(int maxTarEntries) {
    this.maxTarEntries = maxTarEntries;
  }

  public DataSize getMaxZtocSize() {
    return maxZtocSize;
  }

  public void setMaxZtocSize(DataSize maxZtocSize) {
    this.maxZtocSize = maxZtocSize;
  }

  public List<String> getPlatforms() {
    return platforms;
  }

  public void setPlatforms(List<String> platforms) {
    this.platforms = platforms;
  }

  public String getTagSuffix() {
    return tagSuffix;
  }

  public void setTagSuffix(String tagSuffix) {
    this.tagSuffix = tagSuffix;
  }

  public boolean isInPlace() {
    return inPlace;
  }

  public void setInPlace(boolean inPlace) {
    this.inPlace = inPlace;
  }

  public String getSociVersion() {
    return sociVersion;
  }

  public void setSociVersion(String sociVersion) {
    this.sociVersion = sociVersion;
  }

  public boolean isIndexUntaggedPushes() {
    return indexUntaggedPushes;
  }

  public void setIndexUntaggedPushes(boolean indexUntaggedPushes) {
    this.indexUntaggedPushes = indexUntaggedPushes;
  }

  public String getNodeId() {
    return nodeId;
  }

  public void setNodeId(String nodeId) {
    this.nodeId = nodeId;
  }

  public int getLayerConcurrency() {
    return layerConcurrency;
  }

  public void setLayerConcurrency(int layerConcurrency) {
    this.layerConcurrency = layerConcurrency;
  }

  public ZtocCacheSettings getZtocCache() {
    return ztocCache;
  }

  public void setZtocCache(ZtocCacheSettings ztocCache) {
    this.ztocCache = ztocCache;
  }

  /** Returns the zTOC cache directory: the configured one, or ztoc-cache under the data dir. */
  public Path ztocCacheDirectory() {
    return ztocCache.getDirectory() != null ? ztocCache.getDirectory() : dataDir.resolve("ztoc-cache");
  }

  public Workers getWorkers() {
    return workers;
  }

  public void setWorkers(Workers workers) {
    this.workers = workers;
  }

  public Retry getRetry() {
    return retry;
  }

  public void setRetry(Retry retry) {
    this.retry = retry;
  }

  public RegistryRequests getRegistryRequests() {
    return registryRequests;
  }

  public void setRegistryRequests(RegistryRequests registryRequests) {
    this.registryRequests = registryRequests;
  }

  public Webhook getWebhook() {
    return webhook;
  }

  public void setWebhook(Webhook webhook) {
    this.webhook = webhook;
  }

  public Retention getRetention() {
    return retention;
  }

  public void setRetention(Retention retention) {
    this.retention = retention;
  }
}
