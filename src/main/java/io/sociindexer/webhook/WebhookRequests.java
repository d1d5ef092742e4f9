package io.sociindexer.webhook;

import jakarta.servlet.http.HttpServletRequest;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Builds a {@link WebhookRequest} from a servlet request whose body was already read. */
final class WebhookRequests {

  private WebhookRequests() {}

  static WebhookRequest of(byte[] body, HttpServletRequest request) {
    return new WebhookRequest(
        body, headers(request), query(request.getQueryString()), request.getContentType());
  }

  private static Map<String, List<String>> headers(HttpServletRequest request) {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (String name : Collections.list(request.getHeaderNames())) {
      List<String> values =
          headers.computeIfAbsent(name.toLowerCase(Locale.ROOT), key -> new ArrayList<>());
      values.addAll(Collections.list(request.getHeaders(name)));
    }
    return headers;
  }

  /**
   * Parses the query string itself, because {@link HttpServletRequest#getParameterMap()} would
   * also read a form-encoded body, which the controller has already consumed.
   */
  static Map<String, List<String>> query(String queryString) {
    Map<String, List<String>> query = new LinkedHashMap<>();
    if (queryString == null || queryString.isEmpty()) {
      return query;
    }
    for (String pair : queryString.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int equals = pair.indexOf('=');
      String name = decode(equals < 0 ? pair : pair.substring(0, equals));
      String value = equals < 0 ? "" : decode(pair.substring(equals + 1));
      query.computeIfAbsent(name, key -> new ArrayList<>()).add(value);
    }
    return query;
  }

  private static String decode(String text) {
    try {
      return URLDecoder.decode(text, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      // A malformed escape is kept as sent; it then simply fails to match a secret.
      return text;
    }
  }
}
