package io.sociindexer.testing;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * A plain-HTTP forwarding proxy on 127.0.0.1 that injects faults between a client and a registry.
 * Each client connection carries one request, which is forwarded on a new upstream connection;
 * both responses carry {@code Connection: close}. The {@code Host} header is forwarded unchanged,
 * so a registry builds upload {@code Location} URLs that point back at the proxy.
 *
 * <p>Faults are scripted per request matcher: a method and a regular expression over the path
 * (without query), applied to the first N matching requests or to every Nth. The first rule that
 * fires decides the fault. Every request is recorded with the status the client saw (0 when the
 * client got no response head), its {@code Range} header and the fault applied, so tests can
 * assert order. Only {@code Content-Length} request bodies are supported, which is what OkHttp
 * sends for byte-array bodies.
 */
public final class FaultProxy implements AutoCloseable {

  /** One request as the proxy saw it. */
  public record Exchange(String method, String path, int status, String range, String fault) {

    @Override
    public String toString() {
      return method + " " + path + " " + status + (range == null ? "" : " " + range)
          + (fault == null ? "" : " [" + fault + "]");
    }
  }

  private enum Kind {
    STATUS,
    TOO_MANY_REQUESTS,
    DROP_BODY,
    STALL,
    STALL_BODY,
    CLOSE_UPLOAD,
    UPLOAD_UNKNOWN
  }

  private record Fault(Kind kind, int status, long afterBytes, Duration stall) {

    String describe() {
      return switch (kind) {
        case STATUS -> "status " + status;
        case TOO_MANY_REQUESTS -> "429 Retry-After 1";
        case DROP_BODY -> "drop body after " + afterBytes;
        case STALL -> "stall " + stall.toMillis() + "ms";
        case STALL_BODY -> "stall body after " + afterBytes;
        case CLOSE_UPLOAD -> "close upload";
        case UPLOAD_UNKNOWN -> "404 BLOB_UPLOAD_UNKNOWN";
      };
    }
  }

  private record Rule(String method, Pattern path, int first, int every, Fault fault, AtomicInteger matches) {

    /** Counts a matching request and returns whether the fault applies to it. */
    boolean fires(String requestMethod, String requestPath) {
      if (!method.equals(requestMethod) || !path.matcher(requestPath).matches()) {
        return false;
      }
      int number = matches.incrementAndGet();
      return first > 0 ? number <= first : number % every == 0;
    }
  }

  private record Request(String method, String target, String path, List<String> headerLines, byte[] body) {

    Request withBody(byte[] content) {
      return new Request(method, target, path, headerLines, content);
    }

    int contentLength() {
      String length = header("Content-Length");
      return length == null ? 0 : Integer.parseInt(length);
    }

    String header(String name) {
      for (String line : headerLines) {
        int colon = line.indexOf(':');
        if (colon > 0 && line.substring(0, colon).strip().equalsIgnoreCase(name)) {
          return line.substring(colon + 1).strip();
        }
      }
      return null;
    }
  }

  private final ServerSocket server;
  private final String upstreamHost;
  private final int upstreamPort;
  private final List<Rule> rules = new CopyOnWriteArrayList<>();
  private final List<Exchange> exchanges = Collections.synchronizedList(new ArrayList<>());
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final Map<String, Integer> injected = Collections.synchronizedMap(new LinkedHashMap<>());

  private FaultProxy(ServerSocket server, String upstream) {
    this.server = server;
    int colon = upstream.lastIndexOf(':');
    this.upstreamHost = upstream.substring(0, colon);
    this.upstreamPort = Integer.parseInt(upstream.substring(colon + 1));
  }

  /** Starts a proxy on 127.0.0.1 with a free port that forwards to {@code upstream} ({@code host:port}). */
  public static FaultProxy start(String upstream) throws IOException {
    ServerSocket server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
    FaultProxy proxy = new FaultProxy(server, upstream);
    Thread.ofVirtual().name("fault-proxy-accept").start(proxy::acceptLoop);
    return proxy;
  }

  /** Returns {@code 127.0.0.1:<port>}, the address clients use instead of the registry's. */
  public String host() {
    return "127.0.0.1:" + server.getLocalPort();
  }

  /** Starts a rule for requests with {@code method} whose path matches {@code pathRegex}. */
  public Matcher on(String method, String pathRegex) {
    return new Matcher(method, Pattern.compile(pathRegex));
  }

  /** Returns the requests seen so far, in arrival order. */
  public List<Exchange> exchanges() {
    synchronized (exchanges) {
      return List.copyOf(exchanges);
    }
  }

  /** Returns how often each fault was applied, keyed by its description. */
  public Map<String, Integer> injected() {
    synchronized (injected) {
      return Map.copyOf(injected);
    }
  }

  /** Removes every rule; the request log stays. */
  public void clearRules() {
    rules.clear();
  }

  /** A method and path matcher that waits for its selection and its fault. */
  public final class Matcher {

    private final String method;
    private final Pattern path;
    private int first;
    private int every;

    private Matcher(String method, Pattern path) {
      this.method = method;
      this.path = path;
    }

    /** Applies the fault to the first {@code count} matching requests. */
    public Matcher first(int count) {
      this.first = count;
      this.every = 0;
      return this;
    }

    /** Applies the fault to every {@code n}th matching request; {@code always()} is {@code every(1)}. */
    public Matcher every(int n) {
      this.every = n;
      this.first = 0;
      return this;
    }

    public Matcher always() {
      return every(1);
    }

    /** Responds with {@code status} and a distribution-spec error body, without forwarding. */
    public FaultProxy respond(int status) {
      return install(new Fault(Kind.STATUS, status, 0, null));
    }

    /** Responds 429 with {@code Retry-After: 1}, without forwarding. */
    public FaultProxy tooManyRequests() {
      return install(new Fault(Kind.TOO_MANY_REQUESTS, 429, 0, null));
    }

    /** Forwards, then closes the connection after {@code bytes} bytes of the response body. */
    public FaultProxy dropBodyAfter(long bytes) {
      return install(new Fault(Kind.DROP_BODY, 0, bytes, null));
    }

    /** Reads the request, then sends nothing for {@code time} and closes the connection. */
    public FaultProxy stall(Duration time) {
      return install(new Fault(Kind.STALL, 0, 0, time));
    }

    /** Forwards, then stops after {@code bytes} body bytes for {@code time} and closes. */
    public FaultProxy stallBodyAfter(long bytes, Duration time) {
      return install(new Fault(Kind.STALL_BODY, 0, bytes, time));
    }

    /** Reads part of the request body, then closes the connection without a response. */
    public FaultProxy closeUpload() {
      return install(new Fault(Kind.CLOSE_UPLOAD, 0, 0, null));
    }

    /** Responds 404 {@code BLOB_UPLOAD_UNKNOWN}, as a registry does for an expired upload session. */
    public FaultProxy uploadUnknown() {
      return install(new Fault(Kind.UPLOAD_UNKNOWN, 404, 0, null));
    }

    private FaultProxy install(Fault fault) {
      if (first <= 0 && every <= 0) {
        throw new IllegalStateException("call first(n), every(n) or always() before the fault");
      }
      rules.add(new Rule(method, path, first, every, fault, new AtomicInteger()));
      return FaultProxy.this;
    }
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        open.add(client);
        Thread.ofVirtual().name("fault-proxy-connection").start(() -> serve(client));
      } catch (IOException e) {
        return; // The server socket was closed.
      }
    }
  }

  private void serve(Socket client) {
    try (client) {
      InputStream in = client.getInputStream();
      Request head = readHead(in);
      if (head == null) {
        return;
      }
      Fault fault = chooseFault(head);
      if (fault != null) {
        injected.merge(fault.describe(), 1, Integer::sum);
      }
      if (fault != null && fault.kind() == Kind.CLOSE_UPLOAD) {
        in.readNBytes(head.contentLength() / 2);
        record(head, 0, fault.describe());
        return;
      }

      Request request = head.withBody(in.readNBytes(head.contentLength()));
      if (fault == null) {
        forward(request, client.getOutputStream(), null);
      } else {
        applyFault(request, fault, client.getOutputStream());
      }
    } catch (IOException e) {
      // The client or the registry closed the connection early, so there is nothing left to copy.
    } finally {
      open.remove(client);
    }
  }

  private Fault chooseFault(Request request) {
    for (Rule rule : rules) {
      if (rule.fires(request.method(), request.path())) {
        return rule.fault();
      }
    }
    return null;
  }

  private void applyFault(Request request, Fault fault, OutputStream out)
      throws IOException {
    String name = fault.describe();
    switch (fault.kind()) {
      case STATUS -> answer(request, out, fault.status(), "UNAVAILABLE", "", name);
      case TOO_MANY_REQUESTS -> answer(request, out, 429, "TOOMANYREQUESTS", "Retry-After: 1\r\n", name);
      case UPLOAD_UNKNOWN -> answer(request, out, 404, "BLOB_UPLOAD_UNKNOWN", "", name);
      case STALL -> {
        record(request, 0, name);
        sleep(fault.stall());
      }
      case CLOSE_UPLOAD -> throw new IllegalStateException("serve() handles close-upload faults");
      case DROP_BODY, STALL_BODY -> forward(request, out, fault);
    }
  }

  private void answer(Request request, OutputStream out, int status, String code, String extra, String fault)
      throws IOException {
    byte[] body = ("{\"errors\":[{\"code\":\"" + code + "\",\"message\":\"injected by the fault proxy\"}]}")
        .getBytes(StandardCharsets.UTF_8);
    String head = "HTTP/1.1 " + status + " Injected\r\nContent-Type: application/json\r\n"
        + "Content-Length: " + body.length + "\r\n" + extra + "Connection: close\r\n\r\n";
    record(request, status, fault);
    out.write(head.getBytes(StandardCharsets.ISO_8859_1));
    if (!request.method().equals("HEAD")) {
      out.write(body);
    }
    out.flush();
  }

  /**
   * Sends the request to the registry on a new connection and copies the response back. With a
   * body fault, it stops copying after the fault's byte count, waits out a stall, and returns,
   * which closes the client connection.
   */
  private void forward(Request request, OutputStream client, Fault fault) throws IOException {
    try (Socket upstream = new Socket(upstreamHost, upstreamPort)) {
      OutputStream up = upstream.getOutputStream();
      up.write(requestHead(request).getBytes(StandardCharsets.ISO_8859_1));
      up.write(request.body());
      up.flush();

      InputStream in = upstream.getInputStream();
      List<String> head = readHeadLines(in);
      if (head == null) {
        record(request, 0, "registry closed the connection");
        return;
      }
      int status = Integer.parseInt(head.getFirst().split(" ", 3)[1]);
      record(request, status, fault == null ? null : fault.describe());
      client.write(responseHead(head).getBytes(StandardCharsets.ISO_8859_1));
      copyBody(in, client, fault);
    }
  }

  private static void copyBody(InputStream in, OutputStream client, Fault fault) throws IOException {
    long limit = fault == null ? Long.MAX_VALUE : fault.afterBytes();
    byte[] buffer = new byte[16 * 1024];
    long copied = 0;
    while (copied < limit) {
      int read = in.read(buffer, 0, (int) Math.min(buffer.length, limit - copied));
      if (read < 0) {
        break;
      }
      client.write(buffer, 0, read);
      copied += read;
    }
    client.flush();
    if (fault != null && fault.kind() == Kind.STALL_BODY) {
      sleep(fault.stall());
    }
  }

  private static String requestHead(Request request) {
    StringBuilder head = new StringBuilder(request.method() + " " + request.target() + " HTTP/1.1\r\n");
    for (String line : request.headerLines()) {
      if (!isHopByHop(line)) {
        head.append(line).append("\r\n");
      }
    }
    return head.append("Connection: close\r\n\r\n").toString();
  }

  private static String responseHead(List<String> lines) {
    StringBuilder head = new StringBuilder(lines.getFirst()).append("\r\n");
    for (String line : lines.subList(1, lines.size())) {
      if (!isHopByHop(line)) {
        head.append(line).append("\r\n");
      }
    }
    return head.append("Connection: close\r\n\r\n").toString();
  }

  private static boolean isHopByHop(String line) {
    String name = line.substring(0, Math.max(0, line.indexOf(':'))).strip().toLowerCase(Locale.ROOT);
    return name.equals("connection") || name.equals("keep-alive") || name.equals("proxy-connection");
  }

  /** Reads the request line and headers; the body stays in the stream. */
  private static Request readHead(InputStream in) throws IOException {
    List<String> lines = readHeadLines(in);
    if (lines == null || lines.isEmpty()) {
      return null;
    }
    String[] requestLine = lines.getFirst().split(" ", 3);
    String target = requestLine[1];
    int query = target.indexOf('?');
    String path = query < 0 ? target : target.substring(0, query);
    Request head = new Request(requestLine[0], target, path, lines.subList(1, lines.size()), new byte[0]);
    if ("chunked".equalsIgnoreCase(head.header("Transfer-Encoding"))) {
      throw new IOException("the fault proxy supports only Content-Length request bodies");
    }
    return head;
  }

  /** Reads header lines up to the empty line; returns null at end of stream before any byte. */
  private static List<String> readHeadLines(InputStream in) throws IOException {
    List<String> lines = new ArrayList<>();
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int previous = -1;
    int next;
    while ((next = in.read()) >= 0) {
      if (previous == '\r' && next == '\n') {
        byte[] bytes = line.toByteArray();
        String text = new String(bytes, 0, bytes.length - 1, StandardCharsets.ISO_8859_1);
        if (text.isEmpty()) {
          return lines;
        }
        lines.add(text);
        line.reset();
      } else {
        line.write(next);
      }
      previous = next;
    }
    return lines.isEmpty() && line.size() == 0 ? null : lines;
  }

  private void record(Request request, int status, String fault) {
    exchanges.add(new Exchange(request.method(), request.target(), status, request.header("Range"), fault));
  }

  private static void sleep(Duration time) {
    try {
      Thread.sleep(time);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Closes the listening socket and every open client connection, which ends stalls early. */
  @Override
  public void close() {
    closeQuietly(server);
    for (Socket socket : open) {
      closeQuietly(socket);
    }
  }

  private static void closeQuietly(Closeable closeable) {
    try {
      closeable.close();
    } catch (IOException e) {
      // Closing is best effort; the test is over.
    }
  }
}
