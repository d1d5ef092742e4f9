package io.sociindexer.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * A forwarding HTTP/1.1 proxy on 127.0.0.1 in front of one upstream server, for crash tests. While
 * it is armed, every request that matches one of its rules (a method and a path pattern) is held
 * at the rule's point, and the test can kill the client once each rule held one. Held requests
 * are never forwarded later: when the gate is disarmed, they end without a response, as if the
 * connection broke.
 *
 * <p>The {@code Host} header is forwarded unchanged, so that the upload locations a registry
 * sends back point at the gate again. Every other request passes through untouched.
 *
 * <p>Thread-safe. Not a general proxy: bodies are buffered in memory, and hop-by-hop headers are
 * dropped.
 */
public final class RequestGate implements AutoCloseable {

  /** Where a matching request is held. */
  public enum Hold {
    /** Before the request is sent upstream. */
    BEFORE_FORWARD,
    /** After the response headers and half of the response body went back to the client. */
    MID_RESPONSE,
    /** After the upstream handled the request, before the response goes back to the client. */
    AFTER_FORWARD
  }

  private static final Set<String> NOT_FORWARDED =
      Set.of("connection", "keep-alive", "transfer-encoding", "content-length", "date", "upgrade");

  private final HttpServer server;
  private final ExecutorService executor;
  private final String upstream;
  private final OkHttpClient http;

  private volatile List<Rule> rules = List.of();
  private volatile CountDownLatch held = new CountDownLatch(0);
  private volatile CountDownLatch release = new CountDownLatch(1);
  private final Map<Rule, String> heldRequests = new ConcurrentHashMap<>();

  /**
   * Holds requests whose method is {@code method} and whose raw path (without the query) matches
   * {@code pathRegex} in full, at {@code hold}.
   */
  public record Rule(String method, String pathRegex, Hold hold) {

    boolean matches(String requestMethod, String path) {
      return method.equals(requestMethod) && Pattern.matches(pathRegex, path);
    }
  }

  private RequestGate(HttpServer server, ExecutorService executor, String upstream) {
    this.server = server;
    this.executor = executor;
    this.upstream = upstream;
    this.http =
        new OkHttpClient.Builder()
            .followRedirects(false)
            .retryOnConnectionFailure(false)
            .readTimeout(Duration.ofSeconds(120))
            .build();
  }

  /** Starts a gate in front of {@code upstreamHost} ({@code host:port}, plain HTTP). */
  public static RequestGate start(String upstreamHost) throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    RequestGate gate = new RequestGate(server, executor, upstreamHost);
    server.createContext("/", gate::handle);
    server.setExecutor(executor);
    server.start();
    return gate;
  }

  /** Returns {@code 127.0.0.1:<port>}, the registry part of image references that pass the gate. */
  public String host() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  /** Holds every request that matches one of {@code rules} until {@link #disarm()}. */
  public void arm(List<Rule> rules) {
    heldRequests.clear();
    held = new CountDownLatch(rules.size());
    release = new CountDownLatch(1);
    this.rules = List.copyOf(rules);
  }

  /**
   * Waits until every rule of the last {@link #arm} held a request. Returns false when that did
   * not happen within {@code timeout}.
   */
  public boolean awaitHeld(Duration timeout) throws InterruptedException {
    return held.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Returns the method and path of the first request each rule held, by rule. */
  public Map<Rule, String> heldRequests() {
    return Map.copyOf(heldRequests);
  }

  /** Lets requests pass again and ends the held ones without a response. */
  public void disarm() {
    rules = List.of();
    release.countDown();
  }

  @Override
  public void close() {
    disarm();
    server.stop(0);
    executor.shutdownNow();
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod();
      String path = exchange.getRequestURI().getRawPath();
      Rule rule = rules.stream().filter(r -> r.matches(method, path)).findFirst().orElse(null);
      Hold hold = rule == null ? null : rule.hold();
      if (hold == Hold.BEFORE_FORWARD) {
        holdUntilReleased(rule, method, path);
        return;
      }

      try (Response response = forward(exchange)) {
        if (hold == Hold.AFTER_FORWARD) {
          response.body().bytes();
          holdUntilReleased(rule, method, path);
          return;
        }
        answer(exchange, response, rule);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Blocks until the gate is disarmed; the exchange then closes without a response. */
  private void holdUntilReleased(Rule rule, String method, String path)
      throws InterruptedException {
    CountDownLatch waitFor = release;
    if (heldRequests.putIfAbsent(rule, method + " " + path) == null) {
      held.countDown();
    }
    waitFor.await();
  }

  private Response forward(HttpExchange exchange) throws IOException {
    Request.Builder request =
        new Request.Builder().url("http://" + upstream + exchange.getRequestURI());
    for (Map.Entry<String, List<String>> header : exchange.getRequestHeaders().entrySet()) {
      if (NOT_FORWARDED.contains(header.getKey().toLowerCase(Locale.ROOT))) {
        continue;
      }
      for (String value : header.getValue()) {
        request.addHeader(header.getKey(), value);
      }
    }

    String method = exchange.getRequestMethod();
    byte[] body = exchange.getRequestBody().readAllBytes();
    RequestBody requestBody = null;
    if (!method.equals("GET") && !method.equals("HEAD")) {
      String type = exchange.getRequestHeaders().getFirst("Content-Type");
      requestBody = RequestBody.create(body, type == null ? null : MediaType.parse(type));
    }
    return http.newCall(request.method(method, requestBody).build()).execute();
  }

  private void answer(HttpExchange exchange, Response response, Rule rule)
      throws IOException, InterruptedException {
    for (String name : response.headers().names()) {
      if (!NOT_FORWARDED.contains(name.toLowerCase(Locale.ROOT))) {
        exchange.getResponseHeaders().put(name, response.headers(name));
      }
    }

    int status = response.code();
    String length = response.header("Content-Length");
    if (exchange.getRequestMethod().equals("HEAD") || status == 204 || status == 304) {
      if (length != null) {
        exchange.getResponseHeaders().set("Content-Length", length);
      }
      exchange.sendResponseHeaders(status, -1);
      return;
    }

    byte[] body = response.body().bytes();
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    OutputStream out = exchange.getResponseBody();
    if (rule != null && rule.hold() == Hold.MID_RESPONSE) {
      out.write(body, 0, body.length / 2);
      out.flush();
      holdUntilReleased(rule, exchange.getRequestMethod(), exchange.getRequestURI().getRawPath());
      return;
    }
    out.write(body);
  }
}
