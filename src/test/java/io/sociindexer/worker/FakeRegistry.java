package io.sociindexer.worker;

import io.sociindexer.oci.Digest;
import io.sociindexer.oci.MediaType;
import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okio.Buffer;

/**
 * A small distribution registry in memory on a MockWebServer at 127.0.0.1: manifests by tag or
 * digest (GET, HEAD, PUT) and blobs (GET, HEAD, monolithic upload with POST then PUT). Tests add
 * content with {@link #putBlob} and {@link #putManifest}, script failures with {@link #failNext},
 * and count requests with {@link #count}.
 */
final class FakeRegistry implements AutoCloseable {

  private static final Pattern MANIFEST = Pattern.compile("/v2/(.+)/manifests/([^/?]+)");
  private static final Pattern BLOB = Pattern.compile("/v2/(.+)/blobs/(sha256:[0-9a-f]{64})");
  private static final Pattern UPLOAD = Pattern.compile("/v2/(.+)/blobs/uploads/([^/?]*)");

  private record Manifest(String mediaType, byte[] bytes) {}

  private record Fault(String method, Pattern path, MockResponse response) {}

  private final MockWebServer server = new MockWebServer();
  private final Map<Digest, byte[]> blobs = new HashMap<>();
  private final Map<String, Manifest> manifests = new HashMap<>();
  private final Deque<Fault> faults = new ArrayDeque<>();
  private final List<String> requests = new ArrayList<>();

  FakeRegistry() throws IOException {
    server.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        return handle(request);
      }
    });
    server.start(InetAddress.getByName("127.0.0.1"), 0);
  }

  /** Returns {@code 127.0.0.1:<port>}, the registry part of image references. */
  String host() {
    return "127.0.0.1:" + server.getPort();
  }

  synchronized Digest putBlob(byte[] content) {
    Digest digest = Digest.sha256(content);
    blobs.put(digest, content);
    return digest;
  }

  /** Stores a manifest under its digest and, unless {@code tag} is null, under the tag. */
  synchronized Digest putManifest(String repository, String tag, MediaType mediaType, byte[] bytes) {
    Digest digest = Digest.sha256(bytes);
    Manifest manifest = new Manifest(mediaType.value(), bytes);
    manifests.put(repository + "@" + digest, manifest);
    if (tag != null) {
      manifests.put(repository + ":" + tag, manifest);
    }
    return digest;
  }

  /** Returns the digest the tag points at, or null. */
  synchronized Digest tagDigest(String repository, String tag) {
    Manifest manifest = manifests.get(repository + ":" + tag);
    return manifest == null ? null : Digest.sha256(manifest.bytes());
  }

  /**
   * Answers the next {@code times} requests with {@code method} whose path matches {@code
   * pathRegex} with {@code response}, before any content is served.
   */
  synchronized void failNext(String method, String pathRegex, int times, MockResponse response) {
    for (int i = 0; i < times; i++) {
      faults.add(new Fault(method, Pattern.compile(pathRegex), response));
    }
  }

  /** Counts requests as {@code "METHOD path"} that match {@code regex}. */
  synchronized long count(String regex) {
    Pattern pattern = Pattern.compile(regex);
    return requests.stream().filter(request -> pattern.matcher(request).matches()).count();
  }

  synchronized List<String> requests() {
    return List.copyOf(requests);
  }

  private synchronized MockResponse handle(RecordedRequest request) {
    String method = request.getMethod();
    String path = request.getUrl().encodedPath();
    requests.add(method + " " + path);

    for (Fault fault : faults) {
      if (fault.method().equals(method) && fault.path().matcher(path).matches()) {
        faults.remove(fault);
        return fault.response();
      }
    }

    Matcher upload = UPLOAD.matcher(path);
    if (upload.matches()) {
      return upload(request, upload.group(1));
    }
    Matcher blob = BLOB.matcher(path);
    if (blob.matches()) {
      return blob(method, Digest.parse(blob.group(2)));
    }
    Matcher manifest = MANIFEST.matcher(path);
    if (manifest.matches()) {
      return manifest(request, manifest.group(1), manifest.group(2));
    }
    if (path.equals("/v2/")) {
      return new MockResponse.Builder().code(200).build();
    }
    return error(404, "NAME_UNKNOWN", "no route for " + method + " " + path);
  }

  private MockResponse upload(RecordedRequest request, String repository) {
    if (request.getMethod().equals("POST")) {
      return new MockResponse.Builder()
          .code(202)
          .setHeader("Location", "/v2/" + repository + "/blobs/uploads/" + UUID.randomUUID())
          .build();
    }
    if (request.getMethod().equals("PUT")) {
      byte[] content = request.getBody() == null ? new byte[0] : request.getBody().toByteArray();
      Digest digest = Digest.parse(request.getUrl().queryParameter("digest"));
      if (!Digest.sha256(content).equals(digest)) {
        return error(400, "DIGEST_INVALID", "provided digest did not match uploaded content");
      }
      blobs.put(digest, content);
      return new MockResponse.Builder()
          .code(201)
          .setHeader("Docker-Content-Digest", digest.toString())
          .build();
    }
    return error(405, "UNSUPPORTED", "upload method " + request.getMethod());
  }

  private MockResponse blob(String method, Digest digest) {
    byte[] content = blobs.get(digest);
    if (content == null && method.equals("HEAD")) {
      return new MockResponse.Builder().code(404).build();
    }
    if (content == null) {
      return error(404, "BLOB_UNKNOWN", "blob unknown to registry");
    }
    MockResponse.Builder response = new MockResponse.Builder()
        .code(200)
        .setHeader("Docker-Content-Digest", digest.toString())
        .setHeader("Content-Type", "application/octet-stream");
    if (method.equals("HEAD")) {
      return response.setHeader("Content-Length", content.length).build();
    }
    return response.body(new Buffer().write(content)).build();
  }

  private MockResponse manifest(RecordedRequest request, String repository, String reference) {
    String key = repository + (reference.startsWith("sha256:") ? "@" : ":") + reference;
    if (request.getMethod().equals("PUT")) {
      byte[] bytes = request.getBody() == null ? new byte[0] : request.getBody().toByteArray();
      String mediaType = request.getHeaders().get("Content-Type");
      Digest digest = putManifest(repository, null, MediaType.of(mediaType), bytes);
      manifests.put(key, new Manifest(mediaType, bytes));
      return new MockResponse.Builder()
          .code(201)
          .setHeader("Docker-Content-Digest", digest.toString())
          .build();
    }

    Manifest manifest = manifests.get(key);
    if (manifest == null && request.getMethod().equals("HEAD")) {
      return new MockResponse.Builder().code(404).build();
    }
    if (manifest == null) {
      return error(404, "MANIFEST_UNKNOWN", "manifest unknown");
    }
    MockResponse.Builder response = new MockResponse.Builder()
        .code(200)
        .setHeader("Content-Type", manifest.mediaType())
        .setHeader("Docker-Content-Digest", Digest.sha256(manifest.bytes()).toString());
    if (request.getMethod().equals("HEAD")) {
      return response.setHeader("Content-Length", manifest.bytes().length).build();
    }
    return response.body(new Buffer().write(manifest.bytes())).build();
  }

  static MockResponse error(int status, String code, String message) {
    return new MockResponse.Builder()
        .code(status)
        .setHeader("Content-Type", "application/json")
        .body("{\"errors\":[{\"code\":\"" + code + "\",\"message\":\"" + message + "\"}]}")
        .build();
  }

  @Override
  public void close() {
    server.close();
  }
}
