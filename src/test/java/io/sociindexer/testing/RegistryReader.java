package io.sociindexer.testing;

import io.sociindexer.oci.Digest;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Optional;

/**
 * Reads manifests and blobs from the plain-HTTP test registry with the JDK's HTTP client, so that
 * read-back checks do not depend on the registry client under test.
 */
public final class RegistryReader {

  private static final String ACCEPT =
      String.join(
          ",",
          "application/vnd.oci.image.index.v1+json",
          "application/vnd.oci.image.manifest.v1+json",
          "application/vnd.docker.distribution.manifest.v2+json",
          "application/vnd.docker.distribution.manifest.list.v2+json");

  private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();
  private final String base;

  public RegistryReader(String host, String repository) {
    this.base = "http://" + host + "/v2/" + repository;
  }

  /** A manifest with the media type the registry served it with. */
  public record Manifest(String mediaType, byte[] bytes) {
    public Digest digest() {
      return Digest.sha256(bytes);
    }
  }

  /** Returns the manifest that {@code reference} names, or empty on 404. */
  public Optional<Manifest> manifest(String reference) throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(base + "/manifests/" + reference)).header("Accept", ACCEPT).build();
    HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    if (response.statusCode() == 404) {
      return Optional.empty();
    }
    if (response.statusCode() != 200) {
      throw new IOException("GET manifest " + reference + " returned " + response.statusCode());
    }
    String mediaType = response.headers().firstValue("Content-Type").orElse("");
    return Optional.of(new Manifest(mediaType, response.body()));
  }

  public byte[] blob(Digest digest) throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/blobs/" + digest)).build();
    HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    if (response.statusCode() != 200) {
      throw new IOException("GET blob " + digest + " returned " + response.statusCode());
    }
    return response.body();
  }

  /** Returns the repository's tags from {@code /tags/list}. */
  public String tagsJson() throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/tags/list")).build();
    return http.send(request, HttpResponse.BodyHandlers.ofString()).body();
  }
}
