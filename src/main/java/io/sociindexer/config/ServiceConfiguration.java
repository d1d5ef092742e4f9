package io.sociindexer.config;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.sociindexer.metrics.IndexingMetrics;
import io.sociindexer.metrics.JobStoreMetrics;
import io.sociindexer.SociIndexerApplication;
import io.sociindexer.admission.AdmissionConfiguration;
import io.sociindexer.files.WritableDirectory;
import io.sociindexer.indexer.DirectoryZtocCache;
import io.sociindexer.indexer.ImageIndexer;
import io.sociindexer.indexer.IndexOptions;
import io.sociindexer.indexer.ZtocCache;
import io.sociindexer.indexer.ZtocRecords;
import io.sociindexer.job.ImageAdmission;
import io.sociindexer.job.JobStore;
import io.sociindexer.registry.RegistryClient;
import io.sociindexer.registry.auth.ChainedCredentialProvider;
import io.sociindexer.registry.auth.Credential;
import io.sociindexer.registry.auth.CredentialProvider;
import io.sociindexer.registry.auth.DockerConfigCredentialProvider;
import io.sociindexer.registry.auth.DockerCredentialHelper;
import io.sociindexer.registry.auth.StaticCredentialProvider;
import io.sociindexer.registry.ecr.EcrCredentialProvider;
import io.sociindexer.worker.IndexingJobRunner;
import io.sociindexer.worker.RetryPolicy;
import io.sociindexer.worker.WorkerPool;
import io.sociindexer.worker.WorkersHealthIndicator;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * Wires the service: the registry client, indexing options, this replica's node id, and the
 * worker pool over the {@link JobStore} bean. The command line does not load this class, so
 * {@code index ...} runs without Spring. It imports the {@link AdmissionConfiguration} because
 * workers check every job against the registry allow-list.
 */
@Configuration(proxyBeanMethods = false)
@Import(AdmissionConfiguration.class)
public class ServiceConfiguration {

  private static final Logger log = LoggerFactory.getLogger(ServiceConfiguration.class);

  /** How long the job store gauges reuse one read of the store, to spare the database. */
  static final Duration JOB_GAUGE_REFRESH = Duration.ofSeconds(5);

  private static final String ZTOC_CACHE_DIRECTORY = "soci-indexer.ztoc-cache.directory";

  @Bean
  public Clock clock() {
    return Clock.systemUTC();
  }

  @Bean
  public NodeId nodeId(SociIndexerProperties properties) {
    NodeId nodeId = NodeId.resolve(properties.getNodeId());
    log.info("node id of this replica node.id={}", nodeId);
    return nodeId;
  }

  /**
   * Creates the registry credential lookup. First match wins: {@code
   * soci-indexer.credentials.registries}, then {@code soci-indexer.credentials.docker-config-files}
   * in order, then the docker config.json of {@code soci-indexer.docker-config} (else {@code
   * $DOCKER_CONFIG/config.json} or {@code ~/.docker/config.json}), then Amazon ECR tokens when
   * enabled. Credential helpers named in any docker config are run as docker runs them.
   */
  @Bean
  public CredentialProvider credentialProvider(
      SociIndexerProperties properties, ObjectProvider<CredentialsProperties> credentialsProperties) {
    CredentialsProperties settings = credentialsProperties.getIfAvailable(CredentialsProperties::new);
    DockerCredentialHelper helpers = credentialHelpers(settings.getHelpers());
    List<CredentialProvider> providers = new ArrayList<>();

    Map<String, Credential> configured = new LinkedHashMap<>();
    settings.getRegistries().forEach((host, value) -> configured.put(host, value.toCredential(host)));
    providers.add(new StaticCredentialProvider(configured));
    for (Path file : settings.getDockerConfigFiles()) {
      providers.add(DockerConfigCredentialProvider.fromFile(file, helpers));
    }
    providers.add(properties.getDockerConfig() != null
        ? DockerConfigCredentialProvider.fromFile(properties.getDockerConfig(), helpers)
        : DockerConfigCredentialProvider.fromEnvironment(
            System.getenv(), Path.of(System.getProperty("user.home")), helpers));
    if (settings.getEcr().isEnabled()) {
      providers.add(ecrCredentialProvider(settings.getEcr()));
    }
    log.info("Registry credentials configured for {} hosts, {} docker config files, ECR {}",
        configured.size(), settings.getDockerConfigFiles().size(),
        settings.getEcr().isEnabled() ? "enabled" : "disabled");
    return new ChainedCredentialProvider(providers);
  }

  private static DockerCredentialHelper credentialHelpers(CredentialsProperties.Helpers settings) {
    List<Path> directories = settings.getDirectories().isEmpty()
        ? DockerCredentialHelper.onSystemPath().searchPath()
        : settings.getDirectories();
    return new DockerCredentialHelper(
        directories, settings.getTimeout(), settings.getCacheTime(), Clock.systemUTC());
  }

  private static EcrCredentialProvider ecrCredentialProvider(CredentialsProperties.Ecr settings) {
    return EcrCredentialProvider.create(settings.getEndpoint(), null, Clock.systemUTC());
  }

  /**
   * Creates the recorder of job and registry metrics, in the application's meter registry, or in
   * Micrometer's global registry when the context has none.
   */
  @Bean
  public IndexingMetrics indexingMetrics(ObjectProvider<MeterRegistry> meterRegistry) {
    return new IndexingMetrics(meterRegistry.getIfAvailable(() -> Metrics.globalRegistry));
  }

  /** Creates the job store gauges; Spring Boot binds every {@code MeterBinder} bean. */
  @Bean
  public JobStoreMetrics jobStoreMetrics(JobStore jobStore, Clock clock) {
    return new JobStoreMetrics(jobStore, clock, JOB_GAUGE_REFRESH);
  }

  /**
   * Creates the registry client with the credentials of {@link #credentialProvider}, counting its
   * requests in {@link #indexingMetrics}.
   */
  @Bean
  public RegistryClient registryClient(
      SociIndexerProperties properties,
      CredentialProvider credentialProvider,
      IndexingMetrics indexingMetrics) {
    return RegistryClient.builder()
        .credentials(credentialProvider)
        .requestListener(indexingMetrics)
        .plainHttpRegistries(Set.copyOf(properties.getPlainHttpRegistries()))
        .retryPolicy(properties.getRegistryRequests().toPolicy())
        .userAgent(userAgent())
        .build();
  }

  @Bean
  public IndexOptions indexOptions(SociIndexerProperties properties) {
    return properties.toIndexOptions();
  }

  /**
   * The image indexer every worker shares. It reads soci-indexer.layer-concurrency layers of one
   * image at once and reuses zTOCs from the zTOC cache, then from the job store's zTOC records,
   * unless soci-indexer.ztoc-cache.enabled is false. soci-indexer.ztoc-cache.job-store=false
   * leaves out the job store. A context without a {@link ZtocRecords} bean uses the cache alone.
   */
  @Bean
  public ImageIndexer imageIndexer(
      IndexOptions indexOptions,
      SociIndexerProperties properties,
      ObjectProvider<ZtocRecords> ztocRecords)
      throws IOException {
    ZtocCache cache = ZtocCache.NONE;
    ZtocRecords records = ZtocRecords.NONE;
    SociIndexerProperties.ZtocCacheSettings settings = properties.getZtocCache();
    if (settings.isEnabled()) {
      Path directory = properties.ztocCacheDirectory();
      checkZtocCacheDirectory(settings, directory);
      cache = new DirectoryZtocCache(directory, settings.getMaxSize().toBytes());
      if (settings.isJobStore()) {
        records = ztocRecords.getIfAvailable(() -> ZtocRecords.NONE);
      }
      log.info(
          "zTOC cache directory={} max-size={} job-store={}",
          directory.toAbsolutePath(),
          settings.getMaxSize(),
          records != ZtocRecords.NONE);
    }
    return new ImageIndexer(indexOptions, properties.getLayerConcurrency(), cache, records);
  }

  /**
   * Fails the start with a message that names soci-indexer.ztoc-cache.directory when {@code
   * directory} is not a directory or is not writable, instead of a trace that ends in a bare path.
   */
  private static void checkZtocCacheDirectory(
      SociIndexerProperties.ZtocCacheSettings settings, Path directory) {
    String setting =
        settings.getDirectory() != null
            ? ZTOC_CACHE_DIRECTORY
            : ZTOC_CACHE_DIRECTORY + " (unset, so under soci-indexer.data-dir)";
    WritableDirectory.check(setting, directory).ifPresent(problem -> {
      throw new IllegalArgumentException(problem);
    });
  }

  @Bean
  public RetryPolicy retryPolicy(SociIndexerProperties properties) {
    return RetryPolicy.from(properties.getRetry(), ThreadLocalRandom.current());
  }

  @Bean
  public IndexingJobRunner indexingJobRunner(
      JobStore jobStore,
      RegistryClient registryClient,
      ImageIndexer imageIndexer,
      ImageAdmission imageAdmission,
      RetryPolicy retryPolicy,
      NodeId nodeId,
      Clock clock,
      IndexingMetrics indexingMetrics) {
    return new IndexingJobRunner(
        jobStore,
        registryClient,
        imageIndexer,
        imageAdmission,
        retryPolicy,
        nodeId.value(),
        clock,
        indexingMetrics);
  }

  @Bean
  public WorkerPool workerPool(
      JobStore jobStore,
      IndexingJobRunner indexingJobRunner,
      SociIndexerProperties properties,
      NodeId nodeId,
      Clock clock) {
    SociIndexerProperties.Workers workers = properties.getWorkers();
    WorkerPool.Settings settings = new WorkerPool.Settings(
        workers.getCount(),
        workers.getPerRegistry(),
        workers.getJobTimeout(),
        workers.getLease(),
        workers.getPollInterval(),
        workers.getShutdownGracePeriod());
    return new WorkerPool(jobStore, indexingJobRunner, settings, nodeId.value(), clock);
  }

  /** Registers the health contributor {@code workers}, named after this method. */
  @Bean
  public WorkersHealthIndicator workersHealthIndicator(WorkerPool workerPool) {
    return new WorkersHealthIndicator(workerPool);
  }

  /** Returns {@code soci-indexer/<version>}, with {@code dev} when the jar has no version. */
  static String userAgent() {
    String version = SociIndexerApplication.class.getPackage().getImplementationVersion();
    return "soci-indexer/" + (version != null ? version : "dev");
  }
}
