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

/**
 * A small HTTP client for tests of the service on 127.0.0.1. It sends {@code Authorization:
 * Bearer} with its token when it has one; {@link IntakeServiceTest} configures {@link #API_TOKEN}.
 */
public final class TestHttp {

  /** The API token that {@link IntakeServiceTest} configures. */
  public static final String API_TOKEN = "test-api-token-0123456789abcdef";

  private final HttpClient client = HttpClient.newHttpClient();
  private final String base;
  private final String token;

  /** Creates a client that sends no token, as webhook senders and probes do. */
  public TestHttp(int port) {
    this(port, null);
  }

  /** Creates a client that sends {@code token} as a bearer token, or none when it is null. */
  public TestHttp(int port, String token) {
    this.base = "http://127.0.0.1:" + port;
    this.token = token;
  }

  /** Creates a client that sends {@link #API_TOKEN}. */
  public static TestHttp authenticated(int port) {
    return new TestHttp(port, API_TOKEN);
  }

  public HttpResponse<String> get(String path) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
  }

  /** Sends GET with extra headers, given as name, value, name, value. */
  public HttpResponse<String> get(String path, String... headers) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).GET().headers(headers));
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
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
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
