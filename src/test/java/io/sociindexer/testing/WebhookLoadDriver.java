package io.sociindexer.testing;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import okhttp3.ConnectionPool;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * Sends CNCF Distribution notifications to {@code POST /webhooks/distribution} at a fixed target
 * rate and measures the replies. Reusable by integration tests and benchmarks.
 *
 * <p>The load is open-loop: request {@code i} is scheduled at {@code start + i / rate}, whether
 * or not earlier requests got a reply. A pacer thread queues each request at its scheduled
 * time and {@code concurrency} sender threads, each with one HTTP/1.1 keep-alive connection, send
 * them. Latency runs from the scheduled time to the end of the reply, so time spent queued behind
 * slow replies counts (the driver avoids coordinated omission).
 *
 * <p>Each request is one envelope with a blob push (which the service ignores) and a tagged
 * manifest push of one image. A share of the requests repeats one of the last 1,000 images sent,
 * which the service reports as a duplicate while the image's job is active. Images are
 * {@code REGISTRY/load-RUN/app-N:v1} with a digest derived from the run id and {@code N}, so runs
 * against one store do not collide.
 */
public final class WebhookLoadDriver {

  private static final String CONTENT_TYPE = "application/vnd.docker.distribution.events.v2+json";
  private static final int RECENT_IMAGES = 1000;
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

  private WebhookLoadDriver() {}

  /**
   * What to send.
   *
   * @param baseUrl the service, such as {@code http://127.0.0.1:8080}
   * @param rate target requests per second
   * @param duration how long to schedule requests; replies still in flight are awaited
   * @param concurrency sender threads and HTTP connections
   * @param repeatShare share of requests, 0 to 1, that repeat a recent image
   * @param registry the {@code host:port} the events name; it must be allowed by the service
   * @param authorization value of the {@code Authorization} header, or null for none
   * @param runId distinguishes the images of this run from earlier runs
   */
  public record Settings(
      URI baseUrl,
      double rate,
      Duration duration,
      int concurrency,
      double repeatShare,
      String registry,
      String authorization,
      String runId) {

    public Settings {
      Objects.requireNonNull(baseUrl, "baseUrl");
      Objects.requireNonNull(duration, "duration");
      Objects.requireNonNull(registry, "registry");
      Objects.requireNonNull(runId, "runId");
      if (!(rate > 0) || concurrency < 1 || repeatShare < 0 || repeatShare > 1) {
        throw new IllegalArgumentException(
            "invalid load settings rate=" + rate + " concurrency=" + concurrency + " repeatShare="
                + repeatShare + ": expected rate > 0, concurrency >= 1, 0 <= repeatShare <= 1");
      }
    }

    /** Returns these settings with another duration and run id, such as for a warm-up. */
    public Settings withDuration(Duration newDuration, String newRunId) {
      return new Settings(
          baseUrl, rate, newDuration, concurrency, repeatShare, registry, authorization, newRunId);
    }
  }

  /**
   * The replies to one image, as the webhook summaries reported them.
   *
   * @param repository the image's repository
   * @param accepted replies that stored a new job for it
   * @param duplicates replies that found an active job for it
   * @param unanswered requests without a 2xx reply (error status, timeout or I/O failure)
   */
  public record ImageTally(String repository, int accepted, int duplicates, int unanswered) {}

  /**
   * The outcome of one run. Latencies are in microseconds, from scheduled send to reply.
   *
   * @param sent requests sent
   * @param answered2xx requests that got 200 or 202
   * @param rejected4xx requests that got a 4xx status
   * @param errors requests that got a 5xx, timed out or failed on I/O
   * @param jobsAccepted sum of {@code accepted} over the 2xx summaries
   * @param duplicates sum of {@code duplicates} over the 2xx summaries
   * @param elapsed from the first scheduled send to the last reply
   * @param images the tally of each image, keyed by repository
   * @param firstError the first error seen, or null
   */
  public record Result(
      long sent,
      long answered2xx,
      long rejected4xx,
      long errors,
      long jobsAccepted,
      long duplicates,
      Duration elapsed,
      long p50Micros,
      long p95Micros,
      long p99Micros,
      long maxMicros,
      Map<String, ImageTally> images,
      String firstError) {

    /** Returns the 2xx replies per second over {@link #elapsed}. */
    public double rate() {
      return answered2xx / (elapsed.toNanos() / 1e9);
    }

    /** Returns one line with the counts, rate and latency percentiles. */
    public String summary() {
      return String.format(
          Locale.ROOT,
          "sent=%d 2xx=%d 4xx=%d errors=%d jobs.accepted=%d duplicates=%d rate=%.0f/s"
              + " p50=%.2fms p95=%.2fms p99=%.2fms max=%.2fms%s",
          sent, answered2xx, rejected4xx, errors, jobsAccepted, duplicates, rate(),
          p50Micros / 1000.0, p95Micros / 1000.0, p99Micros / 1000.0, maxMicros / 1000.0,
          firstError == null ? "" : " first.error=" + firstError);
    }
  }

  /** One scheduled request. A negative {@code image} stops a sender thread. */
  private record Send(long scheduledNanos, int image) {}

  /** The per-thread record of replies, merged after the run. */
  private static final class SenderLog {
    long[] latencies = new long[1024];
    int count;
    long answered2xx;
    long rejected4xx;
    long errors;
    long jobsAccepted;
    long duplicates;
    final Map<Integer, int[]> tallies = new HashMap<>();
    String firstError;

    void latency(long micros) {
      if (count == latencies.length) {
        latencies = Arrays.copyOf(latencies, count * 2);
      }
      latencies[count++] = micros;
    }

    int[] tally(int image) {
      return tallies.computeIfAbsent(image, key -> new int[3]);
    }
  }

  /**
   * Runs the load and returns the result once every request got a reply or timed out.
   *
   * @throws InterruptedException when interrupted while pacing or waiting for replies
   */
  public static Result run(Settings settings) throws InterruptedException {
    OkHttpClient client =
        new OkHttpClient.Builder()
            .protocols(List.of(Protocol.HTTP_1_1))
            .connectionPool(new ConnectionPool(settings.concurrency(), 5, TimeUnit.MINUTES))
            .callTimeout(CALL_TIMEOUT)
            .retryOnConnectionFailure(false)
            .build();
    try {
      return run(settings, client);
    } finally {
      client.dispatcher().executorService().shutdown();
      client.connectionPool().evictAll();
    }
  }

  private static Result run(Settings settings, OkHttpClient client) throws InterruptedException {
    BlockingQueue<Send> queue = new LinkedBlockingQueue<>();
    URI endpoint = settings.baseUrl().resolve("/webhooks/distribution");
    List<SenderLog> logs = new ArrayList<>();
    List<Thread> senders = new ArrayList<>();
    for (int i = 0; i < settings.concurrency(); i++) {
      SenderLog log = new SenderLog();
      logs.add(log);
      senders.add(
          Thread.ofPlatform()
              .name("load-sender-" + i)
              .daemon()
              .start(() -> sendAll(settings, client, endpoint, queue, log)));
    }

    long start = System.nanoTime();
    long sent = pace(settings, queue, start);
    for (int i = 0; i < senders.size(); i++) {
      queue.put(new Send(0, -1));
    }
    for (Thread sender : senders) {
      sender.join();
    }
    Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
    return merge(settings, sent, elapsed, logs);
  }

  /** Queues each request at its scheduled time and returns how many were queued. */
  private static long pace(Settings settings, BlockingQueue<Send> queue, long start)
      throws InterruptedException {
    long total = Math.round(settings.rate() * settings.duration().toNanos() / 1e9);
    double intervalNanos = 1e9 / settings.rate();
    SplittableRandom random = new SplittableRandom(settings.runId().hashCode());
    int nextImage = 0;

    for (long i = 0; i < total; i++) {
      long scheduled = start + (long) (i * intervalNanos);
      long wait = scheduled - System.nanoTime();
      if (wait > 20_000) {
        LockSupport.parkNanos(wait);
      }
      if (Thread.interrupted()) {
        throw new InterruptedException("load pacing interrupted after " + i + " requests");
      }

      int image;
      if (nextImage > 0 && random.nextDouble() < settings.repeatShare()) {
        image = nextImage - 1 - random.nextInt(Math.min(nextImage, RECENT_IMAGES));
      } else {
        image = nextImage++;
      }
      queue.put(new Send(scheduled, image));
    }
    return total;
  }

  private static void sendAll(
      Settings settings,
      OkHttpClient client,
      URI endpoint,
      BlockingQueue<Send> queue,
      SenderLog log) {
    while (true) {
      Send send;
      try {
        send = queue.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      if (send.image() < 0) {
        return;
      }
      sendOne(settings, client, endpoint, send, log);
    }
  }

  private static void sendOne(
      Settings settings, OkHttpClient client, URI endpoint, Send send, SenderLog log) {
    Request.Builder request =
        new Request.Builder()
            .url(endpoint.toString())
            .post(RequestBody.create(envelope(settings, send.image()), okhttp3.MediaType.get(CONTENT_TYPE)));
    if (settings.authorization() != null) {
      request.header("Authorization", settings.authorization());
    }

    int[] tally = log.tally(send.image());
    try (Response response = client.newCall(request.build()).execute()) {
      String body = response.body().string();
      log.latency((System.nanoTime() - send.scheduledNanos()) / 1000);
      int status = response.code();
      if (status >= 200 && status < 300) {
        log.answered2xx++;
        int accepted = intField(body, "accepted");
        int duplicates = intField(body, "duplicates");
        log.jobsAccepted += accepted;
        log.duplicates += duplicates;
        tally[0] += accepted;
        tally[1] += duplicates;
        return;
      }
      tally[2]++;
      if (status < 500) {
        log.rejected4xx++;
      } else {
        log.errors++;
      }
      noteError(log, "status " + status + ": " + body);
    } catch (IOException | RuntimeException e) {
      log.latency((System.nanoTime() - send.scheduledNanos()) / 1000);
      log.errors++;
      tally[2]++;
      noteError(log, e.toString());
    }
  }

  private static void noteError(SenderLog log, String error) {
    if (log.firstError == null) {
      log.firstError = error.length() > 300 ? error.substring(0, 300) : error;
    }
  }

  /** Reads {@code "name":N} from a webhook summary; returns 0 when the field is missing. */
  static int intField(String json, String name) {
    String key = "\"" + name + "\":";
    int at = json.indexOf(key);
    if (at < 0) {
      return 0;
    }
    int i = at + key.length();
    while (i < json.length() && json.charAt(i) == ' ') {
      i++;
    }
    int value = 0;
    while (i < json.length() && Character.isDigit(json.charAt(i))) {
      value = value * 10 + (json.charAt(i++) - '0');
    }
    return value;
  }

  /** Returns the repository of image {@code n} of the run. */
  public static String repository(Settings settings, int n) {
    return "load-" + settings.runId() + "/app-" + n;
  }

  /** Returns the manifest digest of image {@code n} of the run. */
  public static String digest(Settings settings, int n) {
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256")
              .digest((settings.runId() + "/" + n).getBytes(StandardCharsets.UTF_8));
      return "sha256:" + HexFormat.of().formatHex(hash);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from the JDK", e);
    }
  }

  /** Returns the notification body for image {@code n}, shaped as docker-registry sends it. */
  static String envelope(Settings settings, int n) {
    String repository = repository(settings, n);
    String digest = digest(settings, n);
    String registry = settings.registry();
    String blob = "sha256:" + digest.substring(7, 71 - 8) + "0b10b000";
    String request =
        """
        "request": {"id": "%s-%d", "addr": "127.0.0.1:53124", "host": "%s", "method": "PUT",
          "useragent": "skopeo/1.13.3"},
        "actor": {},
        "source": {"addr": "registry-host:5000", "instanceID": "load-driver"}
        """
            .formatted(settings.runId(), n, registry);
    return """
        {"events": [
          {"id": "%1$s-%2$d-blob", "timestamp": "2026-03-09T14:44:26.402973972Z", "action": "push",
           "target": {"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
             "digest": "%5$s", "size": 2811478, "length": 2811478, "repository": "%3$s",
             "url": "http://%6$s/v2/%3$s/blobs/%5$s"},
           %7$s},
          {"id": "%1$s-%2$d-manifest", "timestamp": "2026-03-09T14:44:26.402973972Z",
           "action": "push",
           "target": {"mediaType": "application/vnd.oci.image.manifest.v1+json",
             "digest": "%4$s", "size": 1035, "length": 1035, "repository": "%3$s",
             "url": "http://%6$s/v2/%3$s/manifests/%4$s", "tag": "v1"},
           %7$s}
        ]}
        """
        .formatted(settings.runId(), n, repository, digest, blob, registry, request);
  }

  private static Result merge(Settings settings, long sent, Duration elapsed, List<SenderLog> logs) {
    int count = logs.stream().mapToInt(log -> log.count).sum();
    long[] latencies = new long[count];
    int offset = 0;
    long answered = 0;
    long rejected = 0;
    long errors = 0;
    long jobs = 0;
    long duplicates = 0;
    String firstError = null;
    Map<Integer, int[]> tallies = new HashMap<>();
    for (SenderLog log : logs) {
      System.arraycopy(log.latencies, 0, latencies, offset, log.count);
      offset += log.count;
      answered += log.answered2xx;
      rejected += log.rejected4xx;
      errors += log.errors;
      jobs += log.jobsAccepted;
      duplicates += log.duplicates;
      firstError = firstError == null ? log.firstError : firstError;
      log.tallies.forEach(
          (image, tally) -> {
            int[] sum = tallies.computeIfAbsent(image, key -> new int[3]);
            for (int i = 0; i < 3; i++) {
              sum[i] += tally[i];
            }
          });
    }
    Arrays.sort(latencies);

    Map<String, ImageTally> images = new HashMap<>();
    tallies.forEach(
        (image, tally) -> {
          String repository = repository(settings, image);
          images.put(repository, new ImageTally(repository, tally[0], tally[1], tally[2]));
        });
    return new Result(
        sent, answered, rejected, errors, jobs, duplicates, elapsed,
        percentile(latencies, 0.50), percentile(latencies, 0.95), percentile(latencies, 0.99),
        latencies.length == 0 ? 0 : latencies[latencies.length - 1],
        Map.copyOf(images), firstError);
  }

  private static long percentile(long[] sorted, double quantile) {
    if (sorted.length == 0) {
      return 0;
    }
    int index = (int) Math.ceil(quantile * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }

  /**
   * Runs one load against a running service and prints the result. Options, all
   * {@code --name=value}: {@code url} (default {@code http://127.0.0.1:8080}), {@code rate}
   * (requests per second, default 2000), {@code duration} (seconds, default 60), {@code
   * concurrency} (default 32), {@code repeat-share} (default 0.2), {@code registry} (default
   * {@code 127.0.0.1:5999}), {@code authorization} (header value, default none), {@code warmup}
   * (seconds at the same rate before the measured run, default 0).
   */
  public static void main(String[] args) throws InterruptedException {
    Map<String, String> options = parseOptions(args);
    Settings settings = settings(options, "run" + System.currentTimeMillis());
    long warmup = Long.parseLong(options.getOrDefault("warmup", "0"));
    if (warmup > 0) {
      Result warm = run(settings.withDuration(Duration.ofSeconds(warmup), settings.runId() + "w"));
      System.out.println("warm-up: " + warm.summary());
    }
    System.out.println("measured: " + run(settings).summary());
  }

  /** Returns the settings that {@link #main} options describe. */
  public static Settings settings(Map<String, String> options, String runId) {
    return new Settings(
        URI.create(options.getOrDefault("url", "http://127.0.0.1:8080")),
        Double.parseDouble(options.getOrDefault("rate", "2000")),
        Duration.ofSeconds(Long.parseLong(options.getOrDefault("duration", "60"))),
        Integer.parseInt(options.getOrDefault("concurrency", "32")),
        Double.parseDouble(options.getOrDefault("repeat-share", "0.2")),
        options.getOrDefault("registry", "127.0.0.1:5999"),
        options.get("authorization"),
        runId);
  }

  /**
   * Parses {@code --name=value} arguments.
   *
   * @throws IllegalArgumentException naming an argument of another form
   */
  public static Map<String, String> parseOptions(String[] args) {
    Map<String, String> options = new HashMap<>();
    for (String arg : args) {
      int equals = arg.indexOf('=');
      if (!arg.startsWith("--") || equals < 0) {
        throw new IllegalArgumentException(
            "invalid argument '" + arg + "': expected --name=value, such as --rate=2000");
      }
      options.put(arg.substring(2, equals), arg.substring(equals + 1));
    }
    return options;
  }
}
