package io.sociindexer.web;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A headless Chromium driven over the Chrome DevTools Protocol on 127.0.0.1, for tests that load
 * a page with JavaScript on or off and read its DOM and a screenshot.
 *
 * <p>The command-line modes {@code --dump-dom} and {@code --screenshot} write nothing when
 * scripts are disabled with {@code --blink-settings=scriptEnabled=false} (seen with Debian's
 * Chromium 156), so this class takes both from DevTools: {@code DOM.getOuterHTML} and {@code
 * Page.captureScreenshot} need no script in the page.
 */
final class HeadlessChromium implements AutoCloseable {

  static final Path BINARY = Path.of("/usr/bin/chromium");
  static final Duration TIMEOUT = Duration.ofSeconds(60);

  private static final Pattern DEVTOOLS_URL =
      Pattern.compile("DevTools listening on (ws://127\\.0\\.0\\.1:(\\d+)/\\S+)");

  private final JsonMapper json = JsonMapper.builder().build();
  private final Process process;
  private final WebSocket socket;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
  private final BlockingQueue<String> events = new LinkedBlockingQueue<>();
  private final List<String> log = new ArrayList<>();

  /**
   * Starts Chromium with a fresh profile in {@code profile} and opens a DevTools session on its
   * first tab.
   *
   * @param javaScript false to start with {@code --blink-settings=scriptEnabled=false}
   */
  HeadlessChromium(Path profile, boolean javaScript) throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(
                BINARY.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--user-data-dir=" + profile,
                "--window-size=1280,900", "--remote-debugging-address=127.0.0.1",
                "--remote-debugging-port=0"));
    if (!javaScript) {
      command.add("--blink-settings=scriptEnabled=false");
    }
    command.add("about:blank");
    process = new ProcessBuilder(command).redirectErrorStream(true).start();

    int port = devToolsPort();
    socket = connect(pageWebSocketUrl(port));
  }

  /** Loads {@code url} and waits for its load event. */
  void navigate(String url) throws Exception {
    call("Page.enable", Map.of());
    events.clear();
    call("Page.navigate", Map.of("url", url));
    awaitEvent("Page.loadEventFired");
  }

  /** Waits for the next load event of the current page, such as one caused by a reload. */
  void awaitReload() throws Exception {
    awaitEvent("Page.loadEventFired");
  }

  /** Returns the serialized DOM of the loaded page. */
  String outerHtml() throws Exception {
    JsonNode document = call("DOM.getDocument", Map.of("depth", 0));
    int nodeId = document.get("root").get("nodeId").asInt();
    return call("DOM.getOuterHTML", Map.of("nodeId", nodeId)).get("outerHTML").asString();
  }

  /** Returns a PNG of the viewport. */
  byte[] screenshot() throws Exception {
    String data = call("Page.captureScreenshot", Map.of("format", "png")).get("data").asString();
    return Base64.getDecoder().decode(data);
  }

  String log() {
    synchronized (log) {
      return String.join("\n", log);
    }
  }

  @Override
  public void close() throws Exception {
    socket.abort();
    List<ProcessHandle> children = process.descendants().toList();
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }

    // Chromium's renderer and GPU processes usually exit with the browser; stop any that remain.
    for (ProcessHandle child : children) {
      child.destroy();
    }
  }

  private int devToolsPort() throws Exception {
    CompletableFuture<Integer> port = new CompletableFuture<>();
    Thread.ofPlatform().daemon().start(() -> readOutput(port));
    try {
      return port.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new IllegalStateException(
          "Chromium printed no DevTools address within " + TIMEOUT + "; output:\n" + log(), e);
    }
  }

  private void readOutput(CompletableFuture<Integer> port) {
    try (BufferedReader output =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = output.readLine(); line != null; line = output.readLine()) {
        synchronized (log) {
          log.add(line);
        }
        Matcher matcher = DEVTOOLS_URL.matcher(line);
        if (matcher.find()) {
          port.complete(Integer.parseInt(matcher.group(2)));
        }
      }
    } catch (IOException e) {
      port.completeExceptionally(e);
    }
    port.completeExceptionally(
        new IllegalStateException("Chromium exited before printing its DevTools address"));
  }

  private String pageWebSocketUrl(int port) throws Exception {
    HttpClient client = HttpClient.newHttpClient();
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list"))
            .timeout(TIMEOUT)
            .build();
    JsonNode targets = json.readTree(client.send(request, BodyHandlers.ofString()).body());
    for (JsonNode target : targets) {
      if ("page".equals(target.get("type").asString())) {
        return target.get("webSocketDebuggerUrl").asString();
      }
    }
    throw new IllegalStateException("Chromium has no page target; targets: " + targets);
  }

  private WebSocket connect(String url) throws Exception {
    return HttpClient.newHttpClient()
        .newWebSocketBuilder()
        .buildAsync(URI.create(url), new Listener())
        .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
  }

  private JsonNode call(String method, Map<String, Object> params) throws Exception {
    int id = ids.incrementAndGet();
    CompletableFuture<JsonNode> response = new CompletableFuture<>();
    pending.put(id, response);
    String message = json.writeValueAsString(Map.of("id", id, "method", method, "params", params));
    socket.sendText(message, true).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);

    JsonNode reply = response.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    if (reply.has("error")) {
      throw new IllegalStateException("DevTools call " + method + " failed: " + reply.get("error"));
    }
    return reply.get("result");
  }

  private void awaitEvent(String method) throws Exception {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      String event = events.poll(1, TimeUnit.SECONDS);
      if (method.equals(event)) {
        return;
      }
    }
    throw new TimeoutException("no DevTools event " + method + " within " + TIMEOUT);
  }

  private final class Listener implements WebSocket.Listener {

    private final StringBuilder partial = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        dispatch(json.readTree(partial.toString()));
        partial.setLength(0);
      }
      webSocket.request(1);
      return null;
    }

    private void dispatch(JsonNode message) {
      if (message.has("id")) {
        CompletableFuture<JsonNode> response = pending.remove(message.get("id").asInt());
        if (response != null) {
          response.complete(message);
        }
      } else if (message.has("method")) {
        events.add(message.get("method").asString());
      }
    }
  }
}
