package io.sociindexer.api;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;

/** A small HTTP client for tests of the service on 127.0.0.1. */
public final class TestHttp {

  private final HttpClient client = HttpClient.newHttpClient();
  private final String base;

  public TestHttp(int port) {
    this.base = "http://127.0.0.1:" + port;
  }

  public HttpResponse<String> get(String path) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
  }

  public HttpResponse<String> delete(String path) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).DELETE());
  }

  /** Posts {@code body} with a Content-Length header; a null content type sends none. */
  public HttpResponse<String> post(String path, String contentType, String body) {
    return post(path, contentType, BodyPublishers.ofString(body, StandardCharsets.UTF_8));
  }

  /** Posts {@code body} chunked, without a Content-Length header. */
  public HttpResponse<String> postChunked(String path, String contentType, byte[] body) {
    return post(path, contentType, BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)));
  }

  private HttpResponse<String> post(String path, String contentType, BodyPublisher body) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).POST(body);
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    return send(request);
  }

  private HttpResponse<String> send(HttpRequest.Builder request) {
    try {
      return client.send(request.build(), BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the service", e);
    }
  }
}
