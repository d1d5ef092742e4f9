package io.sociindexer.webhook;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A webhook delivery as a source receives it: the raw body (signatures are computed over these exact
 * bytes), the headers with lowercase names, the query parameters and the content type.
 */
public record WebhookRequest(
    byte[] body, Map<String, List<String>> headers, Map<String, List<String>> query, String contentType) {

  public WebhookRequest {
    body = body.clone();
    headers = Map.copyOf(headers);
    query = Map.copyOf(query);
  }

  @Override
  public byte[] body() {
    return body.clone();
  }

  /** Returns the first value of a header, looked up case-insensitively. */
  public Optional<String> header(String name) {
    List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
    return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.getFirst());
  }

  public Optional<String> queryParameter(String name) {
    List<String> values = query.get(name);
    return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.getFirst());
  }

  public String bodyText() {
    return new String(body, StandardCharsets.UTF_8);
  }
}
