package io.sociindexer.registry;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import okhttp3.HttpUrl;
import okhttp3.Response;
import okhttp3.ResponseBody;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Reading helpers for registry responses: error bodies, Retry-After and URL redaction. */
final class HttpResponses {

  /** Error bodies are small JSON documents; the cap keeps a hostile server from filling memory. */
  static final int MAX_ERROR_BODY_BYTES = 64 * 1024;

  /**
   * Longer waits belong to the job-level backoff, so a request-level caller never sleeps for
   * hours because a registry asked it to.
   */
  static final Duration MAX_RETRY_AFTER = Duration.ofMinutes(5);

  /** Plain-text error bodies are shown up to this many characters. */
  private static final int MAX_TEXT_SNIPPET = 200;

  private HttpResponses() {}

  /** The first entry of a distribution-spec {@code {"errors":[…]}} body, or a text snippet. */
  record ErrorBody(String code, String message) {

    static final ErrorBody EMPTY = new ErrorBody(null, null);
  }

  /** Reads at most {@link #MAX_ERROR_BODY_BYTES} of the body and extracts the first error. */
  static ErrorBody readError(Response response) {
    ResponseBody body = response.body();
    byte[] bytes;
    try (InputStream in = body.byteStream()) {
      bytes = in.readNBytes(MAX_ERROR_BODY_BYTES);
    } catch (IOException e) {
      return ErrorBody.EMPTY;
    }
    return parseError(bytes);
  }

  static ErrorBody parseError(byte[] bytes) {
    if (bytes.length == 0) {
      return ErrorBody.EMPTY;
    }
    try {
      JsonNode first = JsonMapper.shared().readTree(bytes).path("errors").path(0);
      String code = first.path("code").asString("");
      String message = first.path("message").asString("");
      if (!code.isEmpty() || !message.isEmpty()) {
        return new ErrorBody(code.isEmpty() ? null : code, message.isEmpty() ? null : message);
      }
      return ErrorBody.EMPTY;
    } catch (JacksonException | IllegalArgumentException e) {
      return new ErrorBody(null, textSnippet(bytes));
    }
  }

  private static String textSnippet(byte[] bytes) {
    String text = new String(bytes, java.nio.charset.StandardCharsets.UTF_8)
        .replaceAll("\\s+", " ")
        .strip();
    if (text.startsWith("<")) {
      return null; // An HTML error page adds nothing to the status line.
    }
    return text.length() > MAX_TEXT_SNIPPET ? text.substring(0, MAX_TEXT_SNIPPET) + "…" : text;
  }

  /**
   * Parses {@code Retry-After} as delay seconds or an HTTP date, capped at {@link
   * #MAX_RETRY_AFTER}; returns null when absent or invalid.
   */
  static Duration retryAfter(String header, Instant now) {
    if (header == null || header.isBlank()) {
      return null;
    }
    Duration wait;
    try {
      wait = Duration.ofSeconds(Long.parseLong(header.strip()));
    } catch (NumberFormatException e) {
      try {
        Instant at = ZonedDateTime.parse(header.strip(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        wait = Duration.between(now, at);
      } catch (DateTimeParseException notDate) {
        return null;
      }
    }
    if (wait.isNegative()) {
      return Duration.ZERO;
    }
    return wait.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : wait;
  }

  /** Returns the URL without query, fragment and user info, which may carry secrets. */
  static String redact(HttpUrl url) {
    return url.newBuilder().query(null).fragment(null).username("").password("").build().toString();
  }
}
