package io.sociindexer.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.sociindexer.indexer.IndexOptions;
import io.sociindexer.job.JobStore;
import io.sociindexer.registry.RegistryClient;
import io.sociindexer.worker.InMemoryJobStore;
import io.sociindexer.worker.WorkerPool;
import io.sociindexer.worker.WorkersHealthIndicator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

class ServiceConfigurationTest {

  @Configuration(proxyBeanMethods = false)
  @EnableConfigurationProperties(SociIndexerProperties.class)
  static class Properties {}

  private final ApplicationContextRunner context = new ApplicationContextRunner()
      .withUserConfiguration(Properties.class, ServiceConfiguration.class)
      .withBean(JobStore.class, () -> new InMemoryJobStore(Clock.systemUTC()))
      .withPropertyValues("soci-indexer.workers.count=0");

  @Test
  void beansWiredFromSettings() {
    context
        .withPropertyValues(
            "soci-indexer.plain-http-registries=127.0.0.1:5000",
            "soci-indexer.span-size=1MB",
            "soci-indexer.tag-suffix=-lazy")
        .run(started -> {
          assertThat(started).hasNotFailed();
          assertThat(started).hasSingleBean(RegistryClient.class);
          assertThat(started).hasSingleBean(WorkerPool.class);
          assertThat(started.getBean(IndexOptions.class).spanSize()).isEqualTo(1L << 20);
          assertThat(started.getBean(IndexOptions.class).tagSuffix()).isEqualTo("-lazy");
          assertThat(started.getBean(WorkerPool.class).isRunning()).isTrue();
        });
  }

  @Test
  void nodeIdFromSetting() {
    context.withPropertyValues("soci-indexer.node-id=replica-1").run(started -> {
      assertThat(started.getBean(NodeId.class).value()).isEqualTo("replica-1");
      assertThat(started.getBean(WorkerPool.class).nodeId()).isEqualTo("replica-1");
    });
  }

  @Test
  void nodeIdGeneratedPerReplica() {
    NodeId first = NodeId.resolve(null);
    NodeId second = NodeId.resolve(" ");

    assertThat(first.value()).matches(".+-[0-9a-f]{6}");
    assertThat(second.value()).matches(".+-[0-9a-f]{6}");
    assertThat(first).isNotEqualTo(second);
  }

  @Test
  void healthUpWithoutWorkers() {
    context.withPropertyValues("soci-indexer.node-id=replica-1").run(started -> {
      var health = started.getBean("workersHealthIndicator", WorkersHealthIndicator.class).health();

      assertThat(health.getStatus()).isEqualTo(Status.UP);
      assertThat(health.getDetails()).containsEntry("nodeId", "replica-1");
    });
  }

  @Test
  void ztocCacheFileFailsNamingSetting(@TempDir Path work) throws Exception {
    Path file = Files.writeString(work.resolve("file"), "x");

    context.withPropertyValues("soci-indexer.ztoc-cache.directory=" + file).run(started -> {
      assertThat(started).hasFailed();
      FailureAnalysis analysis =
          new InvalidSettingFailureAnalyzer().analyze(started.getStartupFailure());
      assertThat(analysis).isNotNull();
      assertThat(analysis.getDescription())
          .isEqualTo(
              "soci-indexer.ztoc-cache.directory " + file + ": not a directory; choose a"
                  + " directory, or a path where one can be created");
    });
  }

  @Test
  void defaultZtocCacheNamesDataDir(@TempDir Path work) throws Exception {
    Path data = Files.createDirectory(work.resolve("data"));
    Files.writeString(data.resolve("ztoc-cache"), "x");

    context.withPropertyValues("soci-indexer.data-dir=" + data).run(started -> {
      assertThat(started).hasFailed();
      assertThat(new InvalidSettingFailureAnalyzer().analyze(started.getStartupFailure()))
          .extracting(FailureAnalysis::getDescription)
          .asString()
          .startsWith(
              "soci-indexer.ztoc-cache.directory (unset, so under soci-indexer.data-dir) "
                  + data.resolve("ztoc-cache") + ": not a directory");
    });
  }

  @Test
  void userAgentNamesProduct() {
    assertThat(ServiceConfiguration.userAgent()).startsWith("soci-indexer/");
  }
}
