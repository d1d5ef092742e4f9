package io.sociindexer.worker;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.ContextInitializer;
import ch.qos.logback.core.joran.spi.JoranException;
import io.sociindexer.job.ImageTarget;
import io.sociindexer.oci.Digest;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Starts an application context with ECS structured console logs, as
 * {@code LOGGING_STRUCTURED_FORMAT_CONSOLE=ecs} does for the service, and checks that the log
 * lines of a job carry its id as the {@code job.id} field. The context loads
 * {@code logback-structured.xml}, Spring Boot's own console setup, because logback-test.xml
 * would otherwise take its place.
 */
@ExtendWith(OutputCaptureExtension.class)
class StructuredLoggingTest {

  private static final Logger log = LoggerFactory.getLogger(StructuredLoggingTest.class);
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @Configuration(proxyBeanMethods = false)
  static class Empty {}

  @Test
  void jobLinesCarryJobId(CapturedOutput output) throws Exception {
    InMemoryJobStore store = new InMemoryJobStore(Clock.systemUTC());
    Digest digest = Digest.sha256("structured".getBytes());
    UUID id = store.enqueue(new ImageTarget("registry-a:5000", "app", "v1", digest), "test").job().id();

    WorkerPool pool = null;
    try (ConfigurableApplicationContext context = startWithEcsLogs()) {
      pool = new WorkerPool(store, StructuredLoggingTest::failingRunner, settings(), "node-a",
          Clock.systemUTC());
      pool.start();
      awaitLine(output, "job runner failed");
      pool.stop();
      log.info("after the job");

      JsonNode step = line(output, "fake job step");
      JsonNode failure = line(output, "job runner failed");
      JsonNode after = line(output, "after the job");
      assertThat(jobId(step)).as("%s", step).isEqualTo(id.toString());
      assertThat(jobId(failure)).as("%s", failure).isEqualTo(id.toString());
      assertThat(jobId(after)).as("%s", after).isNull();
    } finally {
      if (pool != null && pool.isRunning()) {
        pool.stop();
      }
      restoreTestLogging();
    }
  }

  private static IndexingJobRunner.Outcome failingRunner(JobAttempt attempt) {
    try (var ignored = WorkerPool.jobContext(attempt.job())) {
      log.info("fake job step");
    }
    throw new IllegalStateException("the fake runner fails on purpose");
  }

  private static ConfigurableApplicationContext startWithEcsLogs() {
    // Spring Boot sets up logging only once per logger context while another application context
    // is open, and the suite keeps cached test contexts open, so the marker is removed first.
    LoggerContext logging = (LoggerContext) LoggerFactory.getILoggerFactory();
    logging.removeObject(LoggingSystem.class.getName());

    return new SpringApplicationBuilder(Empty.class)
        .web(WebApplicationType.NONE)
        .properties(
            "logging.structured.format.console=ecs",
            "logging.config=classpath:logback-structured.xml",
            "spring.main.banner-mode=off")
        .run();
  }

  /** Puts back the plain test logging of logback-test.xml for the tests that follow. */
  private static void restoreTestLogging() throws JoranException {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    context.reset();
    new ContextInitializer(context).autoConfig();
  }

  /** Reads the job id of a JSON line, as a top-level dotted key or nested as {@code job.id}. */
  private static String jobId(JsonNode line) {
    JsonNode flat = line.get("job.id");
    if (flat != null) {
      return flat.asString();
    }
    JsonNode nested = line.path("job").get("id");
    return nested == null ? null : nested.asString();
  }

  private static JsonNode line(CapturedOutput output, String message) {
    List<String> matches =
        output.getOut().lines().filter(l -> l.startsWith("{") && l.contains(message)).toList();
    assertThat(matches).as("JSON lines with '%s' in:\n%s", message, output.getOut()).hasSize(1);
    return JSON.readTree(matches.getFirst());
  }

  private static void awaitLine(CapturedOutput output, String message) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!output.getOut().contains(message)) {
      assertThat(System.nanoTime()).as("no log line '%s' within 10s", message).isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  private static WorkerPool.Settings settings() {
    return new WorkerPool.Settings(1, 1, Duration.ofMinutes(1), Duration.ofMinutes(1),
        Duration.ofMillis(20), Duration.ofSeconds(5));
  }
}
