package io.sociindexer.testing;

import io.sociindexer.oci.Descriptor;
import io.sociindexer.oci.Digest;
import io.sociindexer.oci.ImageIndex;
import io.sociindexer.oci.ImageManifest;
import io.sociindexer.oci.MediaType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okio.Buffer;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * An in-memory distribution registry on a MockWebServer at 127.0.0.1, for one repository or
 * several: manifests (GET, HEAD, PUT by tag or digest), blobs (GET, HEAD, monolithic upload), the
 * tag list with {@code n}/{@code last} pagination and a {@code Link} header, and optionally the
 * referrers API. With the referrers API on, the push of a manifest with a {@code subject} returns
 * {@code OCI-Subject}, and {@code GET /v2/<name>/referrers/<digest>} lists the manifest. With it
 * off, that route returns 404 as Distribution 2.8 does.
 */
public final class MemoryRegistry implements AutoCloseable {

  private static final Pattern MANIFEST = Pattern.compile("/v2/(.+)/manifests/([^/?]+)");
  private static final Pattern BLOB = Pattern.compile("/v2/(.+)/blobs/(sha256:[0-9a-f]{64})");
  private static final Pattern UPLOAD = Pattern.compile("/v2/(.+)/blobs/uploads/([^/?]*)");
  private static final Pattern TAGS = Pattern.compile("/v2/(.+)/tags/list");
  private static final Pattern REFERRERS = Pattern.compile("/v2/(.+)/referrers/(sha256:[0-9a-f]{64})");

  private record Manifest(String mediaType, byte[] bytes) {}

  private final MockWebServer server = new MockWebServer();
  private final boolean referrersApi;
  private final Map<Digest, byte[]> blobs = new HashMap<>();
  private final Map<String, Manifest> manifests = new HashMap<>();
  private final Map<String, Map<String, Digest>> tags = new HashMap<>();
  private final Map<String, List<Descriptor>> referrers = new HashMap<>();
  private final List<String> requests = new ArrayList<>();

  /** Starts the registry, with or without the referrers API. */
  public MemoryRegistry(boolean referrersApi) throws IOException {
    this.referrersApi = referrersApi;
    server.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        return handle(request);
      }
    });
    server.start(InetAddress.getByName("127.0.0.1"), 0);
  }

  /** Returns {@code 127.0.0.1:<port>}. */
  public String host() {
    return "127.0.0.1:" + server.getPort();
  }

  public synchronized Digest putBlob(byte[] content) {
    Digest digest = Digest.sha256(content);
    blobs.put(digest, content);
    return digest;
  }

  /** Stores a manifest under its digest and, unless {@code tag} is null, under the tag. */
  public synchronized Digest putManifest(
      String repository, String tag, MediaType mediaType, byte[] bytes) {
    Digest digest = Digest.sha256(bytes);
    Manifest manifest = new Manifest(mediaType.value(), bytes);
    manifests.put(repository + "@" + digest, manifest);
    if (tag != null) {
      manifests.put(repository + ":" + tag, manifest);
      tags.computeIfAbsent(repository, r -> new TreeMap<>()).put(tag, digest);
    }
    recordReferrer(repository, mediaType, bytes);
    return digest;
  }

  /** Returns the bytes a tag points at, or null. */
  public synchronized byte[] manifest(String repository, String tagOrDigest) {
    String key = repository + (tagOrDigest.startsWith("sha256:") ? "@" : ":") + tagOrDigest;
    Manifest manifest = manifests.get(key);
    return manifest == null ? null : manifest.bytes().clone();
  }

  /** Returns the tags of a repository, sorted. */
  private synchronized boolean hasRepository(String repository) {
    return tags.containsKey(repository);
  }

  public synchronized List<String> tags(String repository) {
    return List.copyOf(tags.getOrDefault(repository, Map.of()).keySet());
  }

  /** Returns the requests seen so far as {@code "METHOD path"}. */
  public synchronized List<String> requests() {
    return List.copyOf(requests);
  }

  /**
   * Pushes a linux/amd64 image with one gzip layer of three 64 KiB files derived from {@code
   * seed}, tagged {@code tag}, and returns the manifest digest.
   */
  public Digest pushImage(String repository, String tag, String seed) throws IOException {
    byte[] tar = tar(seed);
    byte[] layer = gzip(tar);
    Digest layerDigest = putBlob(layer);
    String config = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\","
        + "\"diff_ids\":[\"" + Digest.sha256(tar) + "\"]}}";
    byte[] configBytes = config.getBytes(StandardCharsets.UTF_8);
    Digest configDigest = putBlob(configBytes);
    String manifest = "{\"schemaVersion\":2,\"mediaType\":\"" + MediaType.OCI_MANIFEST.value()
        + "\",\"config\":{\"mediaType\":\"" + MediaType.OCI_CONFIG.value() + "\",\"digest\":\""
        + configDigest + "\",\"size\":" + configBytes.length + "},\"layers\":[{\"mediaType\":\""
        + MediaType.OCI_LAYER_GZIP.value() + "\",\"digest\":\"" + layerDigest + "\",\"size\":"
        + layer.length + "}]}";
    return putManifest(
        repository, tag, MediaType.OCI_MANIFEST, manifest.getBytes(StandardCharsets.UTF_8));
  }

  private void recordReferrer(String repository, MediaType mediaType, byte[] bytes) {
    if (!mediaType.isManifest()) {
      return;
    }
    ImageManifest manifest;
    try {
      manifest = ImageManifest.parse(bytes);
    } catch (RuntimeException notAManifest) {
      return;
    }
    if (manifest.subject() == null) {
      return;
    }
    String key = repository + "@" + manifest.subject().digest();
    String artifactType = manifest.artifactType() != null
        ? manifest.artifactType() : manifest.config().mediaType().value();
    Descriptor descriptor = Descriptor.of(MediaType.OCI_MANIFEST, manifest.digest(), manifest.size())
        .withArtifactType(artifactType)
        .withAnnotations(manifest.annotations());
    List<Descriptor> list = referrers.computeIfAbsent(key, k -> new ArrayList<>());
    list.removeIf(d -> d.digest().equals(descriptor.digest()));
    list.add(descriptor);
  }

  private synchronized MockResponse handle(RecordedRequest request) {
    String method = request.getMethod();
    String path = request.getUrl().encodedPath();
    requests.add(method + " " + path);

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
    Matcher tagList = TAGS.matcher(path);
    if (tagList.matches()) {
      return tagList(request, tagList.group(1));
    }
    Matcher referrersList = REFERRERS.matcher(path);
    if (referrersList.matches() && referrersApi) {
      return referrers(referrersList.group(1), referrersList.group(2));
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
    byte[] content = request.getBody() == null ? new byte[0] : request.getBody().toByteArray();
    Digest digest = Digest.parse(request.getUrl().queryParameter("digest"));
    if (!Digest.sha256(content).equals(digest)) {
      return error(400, "DIGEST_INVALID", "provided digest did not match uploaded content");
    }
    blobs.put(digest, content);
    return new MockResponse.Builder().code(201).setHeader("Docker-Content-Digest", digest).build();
  }

  private MockResponse blob(String method, Digest digest) {
    byte[] content = blobs.get(digest);
    if (content == null) {
      return method.equals("HEAD")
          ? new MockResponse.Builder().code(404).build()
          : error(404, "BLOB_UNKNOWN", "blob unknown to registry");
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
    boolean byDigest = reference.startsWith("sha256:");
    if (request.getMethod().equals("PUT")) {
      byte[] bytes = request.getBody() == null ? new byte[0] : request.getBody().toByteArray();
      MediaType mediaType = MediaType.of(request.getHeaders().get("Content-Type").split(";")[0]);
      Digest digest = putManifest(repository, byDigest ? null : reference, mediaType, bytes);
      MockResponse.Builder response = new MockResponse.Builder()
          .code(201)
          .setHeader("Docker-Content-Digest", digest.toString());
      if (referrersApi && mediaType.isManifest()) {
        Descriptor subject = subjectOrNull(bytes);
        if (subject != null) {
          response.setHeader("OCI-Subject", subject.digest().toString());
        }
      }
      return response.build();
    }

    Manifest manifest = manifests.get(repository + (byDigest ? "@" : ":") + reference);
    if (manifest == null) {
      return request.getMethod().equals("HEAD")
          ? new MockResponse.Builder().code(404).build()
          : error(404, "MANIFEST_UNKNOWN", "manifest unknown");
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

  private static Descriptor subjectOrNull(byte[] bytes) {
    try {
      return ImageManifest.parse(bytes).subject();
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** Pages with {@code n} (default 100) and {@code last}, and sends a Link header for the next. */
  private MockResponse tagList(RecordedRequest request, String repository) {
    if (!hasRepository(repository)) {
      // Distribution answers this for a repository nothing was ever pushed to.
      return new MockResponse.Builder()
          .code(404)
          .setHeader("Content-Type", "application/json")
          .body("{\"errors\":[{\"code\":\"NAME_UNKNOWN\",\"message\":\"repository name not known"
              + " to registry\"}]}")
          .build();
    }
    List<String> all = tags(repository);
    String nText = request.getUrl().queryParameter("n");
    int n = nText == null ? 100 : Integer.parseInt(nText);
    String last = request.getUrl().queryParameter("last");
    List<String> after = last == null
        ? all : all.stream().filter(tag -> tag.compareTo(last) > 0).toList();
    List<String> page = after.subList(0, Math.min(n, after.size()));

    StringBuilder json = new StringBuilder("{\"name\":\"" + repository + "\",\"tags\":[");
    for (int i = 0; i < page.size(); i++) {
      json.append(i > 0 ? "," : "").append('"').append(page.get(i)).append('"');
    }
    json.append("]}");
    MockResponse.Builder response = new MockResponse.Builder()
        .code(200)
        .setHeader("Content-Type", "application/json")
        .body(json.toString());
    if (after.size() > page.size()) {
      response.setHeader("Link", "</v2/" + repository + "/tags/list?last=" + page.getLast()
          + "&n=" + n + ">; rel=\"next\"");
    }
    return response.build();
  }

  private MockResponse referrers(String repository, String subject) {
    List<Descriptor> list = referrers.getOrDefault(repository + "@" + subject, List.of());
    ImageIndex index = ImageIndex.of(MediaType.OCI_INDEX, list, null);
    return new MockResponse.Builder()
        .code(200)
        .setHeader("Content-Type", MediaType.OCI_INDEX.value())
        .body(new Buffer().write(index.raw()))
        .build();
  }

  private static MockResponse error(int status, String code, String message) {
    return new MockResponse.Builder()
        .code(status)
        .setHeader("Content-Type", "application/json")
        .body("{\"errors\":[{\"code\":\"" + code + "\",\"message\":\"" + message + "\"}]}")
        .build();
  }

  private static byte[] tar(String seed) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
      SplittableRandom random = new SplittableRandom(seed.hashCode());
      for (int i = 0; i < 3; i++) {
        byte[] data = new byte[64 * 1024];
        random.nextBytes(data);
        TarArchiveEntry entry = new TarArchiveEntry("files/" + seed + "-" + i + ".bin");
        entry.setSize(data.length);
        entry.setModTime(1_700_000_000_000L);
        tar.putArchiveEntry(entry);
        tar.write(data);
        tar.closeArchiveEntry();
      }
    }
    return out.toByteArray();
  }

  private static byte[] gzip(byte[] data) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
      gzip.write(data);
    }
    return out.toByteArray();
  }

  @Override
  public void close() {
    server.close();
  }
}
