package io.sociindexer.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.sociindexer.oci.Digest;
import io.sociindexer.testing.Commands;
import io.sociindexer.testing.LocalRegistry;
import io.sociindexer.testing.OciImageBuilder;
import io.sociindexer.testing.RegistryReader;
import io.sociindexer.testing.RequestGate;
import io.sociindexer.testing.RequestGate.Hold;
import io.sociindexer.testing.ServiceProcess;
import io.sociindexer.testing.SociOutputChecks;
import java.net.http.HttpResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Kills the packaged service with SIGKILL while ten images are being indexed and starts it again
 * on the same data directory. Every job must end succeeded, once. The registry must then contain
 * exactly one output tag per image and no other new tag.
 *
 * <p>The service reaches the registry through a {@link RequestGate}, which stops one job at each
 * kill point (pulling a layer, building its zTOC, pushing a blob, pushing the SOCI index manifest,
 * pushing the output tag, and just after the tag was stored), so that one kill lands at every step
 * at once while other jobs finish or wait in the queue. One round runs by default; {@code
 * -Dcrash.rounds=N} runs N rounds for soak runs, every second one killed at a random time, and
 * prints a line per round.
 *
 * <p>Right before a gated kill, a burst of registry notifications arrives. Every notification
 * answered 202 must have its job after the restart.
 */
class CrashRecoveryIntegrationTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final int IMAGES = 10;
  private static final Duration HOLD_TIMEOUT = Duration.ofSeconds(120);
  private static final Duration JOB_TIMEOUT = Duration.ofSeconds(120);
  private static final int WORKERS = 8;
  private static final int NOTIFICATIONS = 40;
  private static final Pattern REQUEUED =
      Pattern.compile("queued (\\d+) jobs that a previous run of this node left running");

  /** A step of a job at which the service is killed, as a gate rule for one repository. */
  enum KillPoint {
    PULL("GET", "/blobs/%s", Hold.BEFORE_FORWARD),
    BUILD("GET", "/blobs/%s", Hold.MID_RESPONSE),
    PUSH_BLOB("PUT", "/blobs/uploads/.*", Hold.BEFORE_FORWARD),
    PUSH_SOCI_INDEX("PUT", "/manifests/sha256:[0-9a-f]{64}", Hold.BEFORE_FORWARD),
    PUSH_TAG("PUT", "/manifests/v1-soci", Hold.BEFORE_FORWARD),
    AFTER_TAG("PUT", "/manifests/v1-soci", Hold.AFTER_FORWARD);

    private final String method;
    private final String pathFormat;
    private final Hold hold;

    KillPoint(String method, String pathFormat, Hold hold) {
      this.method = method;
      this.pathFormat = pathFormat;
      this.hold = hold;
    }

    RequestGate.Rule rule(String repository, OciImageBuilder.Layer layer) {
      return new RequestGate.Rule(
          method, "/v2/" + repository + pathFormat.formatted(layer.digest()), hold);
    }
  }

  @TempDir Path work;

  private final List<AutoCloseable> resources = new ArrayList<>();
  private int port;

  @AfterEach
  void stopAll(TestInfo test) throws Exception {
    for (int i = resources.size() - 1; i >= 0; i--) {
      resources.get(i).close();
    }
    Path log = work.resolve("service.log");
    if (Files.exists(log)) {
      String name = test.getTestMethod().orElseThrow().getName();
      Path copy = Path.of("target", "crash-recovery", name + ".log");
      Files.createDirectories(copy.getParent());
      Files.copy(log, copy, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /**
   * Kills once per round. A gated round stops one job at each kill point (the other four run on)
   * and kills when all six are held. In soak runs every second round kills after a random delay
   * instead, without the gate.
   */
  @Test
  void killedJobsFinishOnce() throws Exception {
    int rounds = Integer.getInteger("crash.rounds", 1);
    LocalRegistry registry = LocalRegistry.start();
    resources.add(registry);
    RequestGate gate = RequestGate.start(registry.host());
    resources.add(gate);
    OciImageBuilder image = new OciImageBuilder(work.resolve("layout"));
    OciImageBuilder.Layer layer =
        image.layerFromDirectory(Path.of("/usr/share/i18n"), "gzip -c -n");
    Random random = new Random(Long.getLong("crash.seed", 1));

    port = LocalRegistry.freePort();
    ServiceProcess service = startService(List.of(gate.host(), registry.host()), WORKERS);
    for (int round = 0; round < rounds; round++) {
      boolean gated = round % 2 == 0;
      List<String> repositories = pushImages(image, layer, registry, round);
      if (gated) {
        gate.arm(rules(repositories, layer, round));
      }
      for (String repository : repositories) {
        HttpResponse<String> created =
            service.postJson(
                "/api/v1/jobs", "{\"image\":\"" + gate.host() + "/" + repository + ":v1\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
      }

      String killedAt;
      int accepted = 0;
      if (gated) {
        accepted = sendNotifications(service, registry.host(), round);
        assertThat(gate.awaitHeld(HOLD_TIMEOUT))
            .as("a held request at each kill point within %s: %s\n%s",
                HOLD_TIMEOUT, gate.heldRequests(), service.tail())
            .isTrue();
        killedAt = "at every kill point " + Arrays.toString(KillPoint.values());
      } else {
        long delay = 200 + random.nextInt(12_000);
        Thread.sleep(delay);
        killedAt = delay + " ms after the jobs were created";
      }
      Map<String, Integer> atKill = stateCounts(service, round);
      service.kill();
      resources.remove(service);
      gate.disarm();

      int logLines = Files.readAllLines(service.log()).size();
      service = startService(List.of(gate.host(), registry.host()), WORKERS);
      int requeued = requeuedAtStart(service.log(), logLines);
      if (atKill.getOrDefault("running", 0) > 0) {
        // Not an exact count: a held request can time out in the service, which then queues
        // its job for a retry, and a running job can finish between the count and the kill.
        assertThat(requeued)
            .as("jobs the restarted node put back in the queue at once, not after the lease")
            .isPositive();
      }
      String outcome = checkRound(service, registry, repositories, round);
      if (gated) {
        String burstJobs = "/api/v1/jobs?size=1&image=burst" + round + ":";
        long stored = JSON.readTree(service.get(burstJobs)).get("total").asLong();
        assertThat(stored)
            .as("jobs of the notifications answered 202 right before the kill")
            .isEqualTo(accepted);
        outcome += ", " + stored + " of " + accepted + " notifications accepted before the kill";
      }
      String line =
          "round " + round + " killed " + killedAt + " with jobs " + atKill + ", requeued "
              + requeued + " at start: " + outcome;
      System.out.println("crash-recovery " + line);
    }
    System.out.println(
        "crash-recovery summary: " + rounds + " kills, " + (rounds + 1) / 2 + " gated (each at "
            + KillPoint.values().length + " points), " + rounds / 2 + " at a random time, all"
            + " rounds passed");
  }

  /** Returns how many running jobs the node put back in the queue at start, from its log. */
  private static int requeuedAtStart(Path log, int fromLine) throws IOException {
    List<String> lines = Files.readAllLines(log);
    for (String line : lines.subList(fromLine, lines.size())) {
      Matcher matcher = REQUEUED.matcher(line);
      if (matcher.find()) {
        return Integer.parseInt(matcher.group(1));
      }
    }
    return 0;
  }

  /** Assigns the kill points to the round's first images, a different one each round. */
  private static List<RequestGate.Rule> rules(
      List<String> repositories, OciImageBuilder.Layer layer, int round) {
    List<RequestGate.Rule> rules = new ArrayList<>();
    KillPoint[] points = KillPoint.values();
    for (int i = 0; i < points.length; i++) {
      String repository = repositories.get((i + round) % repositories.size());
      rules.add(points[i].rule(repository, layer));
    }
    return rules;
  }

  private ServiceProcess startService(List<String> registryHosts, int workers) throws Exception {
    ServiceProcess service =
        ServiceProcess.start(
            port,
            work.resolve("service.log"),
            List.of(
                "--soci-indexer.data-dir=" + work.resolve("data"),
                "--soci-indexer.plain-http-registries=" + String.join(",", registryHosts),
                "--soci-indexer.min-layer-size=64KB",
                "--soci-indexer.workers.count=" + workers,
                "--soci-indexer.workers.per-registry=" + Math.max(1, workers),
                "--soci-indexer.workers.poll-interval=200ms"));
    resources.add(service);
    return service;
  }

  /** Pushes ten distinct images, each to its own repository, and returns the repositories. */
  private static List<String> pushImages(
      OciImageBuilder image, OciImageBuilder.Layer layer, LocalRegistry registry, int round)
      throws Exception {
    List<String> repositories = new ArrayList<>();
    for (int i = 0; i < IMAGES; i++) {
      String repository = "crash/r" + round + "/img" + i;
      String tag = "r" + round + "-" + i;
      image.tag(image.manifest("linux", "amd64", List.of(layer), "IMAGE=" + tag), tag);
      Commands.skopeoPush(image.layout(), tag, registry.host() + "/" + repository + ":v1");
      repositories.add(repository);
    }
    return repositories;
  }

  /**
   * Waits for the round's jobs, checks them and the registry, and returns a summary of attempts.
   */
  private static String checkRound(
      ServiceProcess service, LocalRegistry registry, List<String> repositories, int round)
      throws Exception {
    Map<Integer, Integer> attempts = new TreeMap<>();
    for (String repository : repositories) {
      List<JsonNode> jobs = awaitFinalJobs(service, repository);
      assertThat(jobs).as("jobs of %s", repository).hasSize(1);
      JsonNode job = jobs.getFirst();
      assertThat(job.get("state").asString())
          .as("job of %s: %s\n%s", repository, job, service.tail())
          .isEqualTo("succeeded");
      assertThat(job.get("attempts").asInt()).as("attempts of %s", repository).isBetween(1, 2);
      attempts.merge(job.get("attempts").asInt(), 1, Integer::sum);

      RegistryReader reader = new RegistryReader(registry.host(), repository);
      JsonNode tags = JSON.readTree(reader.tagsJson()).get("tags");
      List<String> names = new ArrayList<>();
      tags.forEach(tag -> names.add(tag.asString()));
      assertThat(names).as("tags of %s", repository).containsExactlyInAnyOrder("v1", "v1-soci");
      SociOutputChecks.verify(reader, "v1-soci");
      String tagged = reader.manifest("v1-soci").orElseThrow().digest().toString();
      assertThat(job.get("result").get("imageIndexDigest").asString())
          .as("recorded image index of %s", repository)
          .isEqualTo(tagged);
    }
    JsonNode all = JSON.readTree(service.get("/api/v1/jobs?size=200&image=crash/r" + round + "/"));
    assertThat(all.get("total").asLong()).as("jobs of round %d", round).isEqualTo(IMAGES);
    return IMAGES + " succeeded, attempts " + attempts;
  }

  /** Waits until no job of {@code repository} is active and returns its jobs. */
  private static List<JsonNode> awaitFinalJobs(ServiceProcess service, String repository)
      throws Exception {
    Instant deadline = Instant.now().plus(JOB_TIMEOUT);
    while (Instant.now().isBefore(deadline)) {
      JsonNode page = JSON.readTree(service.get("/api/v1/jobs?size=200&image=" + repository + ":"));
      List<JsonNode> jobs = new ArrayList<>();
      boolean active = false;
      for (JsonNode job : page.get("jobs")) {
        if (job.get("repository").asString().equals(repository)) {
          jobs.add(job);
          String state = job.get("state").asString();
          active |= state.equals("queued") || state.equals("running");
        }
      }
      if (!jobs.isEmpty() && !active) {
        return jobs;
      }
      Thread.sleep(250);
    }
    throw new AssertionError(
        "jobs of " + repository + " still active after " + JOB_TIMEOUT + ":\n" + service.tail());
  }

  /** Returns how many of the round's jobs are in each state, such as {running=2, queued=8}. */
  private static Map<String, Integer> stateCounts(ServiceProcess service, int round)
      throws Exception {
    JsonNode page = JSON.readTree(service.get("/api/v1/jobs?size=200&image=crash/r" + round + "/"));
    Map<String, Integer> counts = new TreeMap<>();
    for (JsonNode job : page.get("jobs")) {
      counts.merge(job.get("state").asString(), 1, Integer::sum);
    }
    return counts;
  }

  /**
   * Posts a burst of registry notifications, each of an image that does not exist (its job fails
   * later with 404), checks that each response is 202, and returns how many were sent.
   */
  private static int sendNotifications(ServiceProcess service, String registryHost, int round)
      throws Exception {
    for (int i = 0; i < NOTIFICATIONS; i++) {
      HttpResponse<String> response =
          service.postJson("/webhooks/distribution", notification(registryHost, round, i));
      assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    }
    return NOTIFICATIONS;
  }

  /** Returns a distribution notification of one pushed image manifest with a fresh digest. */
  private static String notification(String registryHost, int round, int number) {
    String digest = Digest.sha256(UUID.randomUUID().toString().getBytes()).toString();
    return """
        {"events":[{"id":"burst-%d","timestamp":"2026-03-09T14:44:26Z","action":"push",
        "target":{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%s",
        "size":1035,"length":1035,"repository":"burst%d","tag":"t%d",
        "url":"http://%s/v2/burst%d/manifests/%s"},
        "request":{"id":"r%d","addr":"127.0.0.1:1","host":"%s","method":"PUT",
        "useragent":"skopeo/1.13.3"},"actor":{},"source":{"addr":"registry:5000"}}]}
        """
        .formatted(
            number, digest, round, number, registryHost, round, digest, number, registryHost);
  }
}
