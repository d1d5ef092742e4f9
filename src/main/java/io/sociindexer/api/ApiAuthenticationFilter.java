package io.sociindexer.api;

import io.sociindexer.config.ApiProperties;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Requires a token of {@code soci-indexer.api} on every request except the open paths: the
 * webhooks (each source checks its own sender credentials), the health probes, the Prometheus
 * scrape, {@code /actuator/info} and the OpenAPI description. Everything else needs a token,
 * including paths added later, so the job API, the backfill API and the status page at {@code /}
 * are covered without a list to keep in step. Paths are matched on the servlet path, which the
 * container has already decoded and normalized, so {@code /webhooks/../api/v1/jobs} needs a token.
 *
 * <p>A client presents the token as {@code Authorization: Bearer <token>} (RFC 6750), or as the
 * password of HTTP basic authentication with any user name, so that a browser can open the status
 * page. A rejected request gets 401 with a {@code WWW-Authenticate} challenge for both schemes
 * and a problem body that explains how to authenticate, or how to configure tokens when there are
 * none.
 *
 * <p>This is a servlet filter rather than Spring Security because the service has one rule (a
 * static token list in front of everything but a few open paths) and no users, roles, sessions or
 * forms. Spring Security would add its filter chain, CSRF and session defaults that the webhooks
 * would have to opt out of. A filter, unlike a {@code HandlerInterceptor}, also runs before Spring
 * MVC resolves the path, so an unauthenticated client cannot tell existing paths from missing
 * ones.
 */
@Component
public class ApiAuthenticationFilter extends OncePerRequestFilter implements Ordered {

  /** After {@link RequestBodyLimitFilter}, so an oversized body gets 413 whatever its token. */
  static final int ORDER = RequestBodyLimitFilter.ORDER + 10;

  static final String REALM = "soci-indexer";

  private static final Set<String> OPEN_PATHS =
      Set.of(
          "/actuator/health",
          "/actuator/prometheus",
          "/actuator/info",
          "/v3/api-docs",
          "/v3/api-docs.yaml");
  private static final List<String> OPEN_PREFIXES =
      List.of("/webhooks/", "/actuator/health/", "/v3/api-docs/");

  private static final Logger log = LoggerFactory.getLogger(ApiAuthenticationFilter.class);
  private static final long WARN_INTERVAL_NANOS = Duration.ofMinutes(1).toNanos();

  private final ApiTokens tokens;
  private final boolean required;
  private final AtomicLong lastWarn = new AtomicLong(Long.MIN_VALUE);
  private final AtomicLong suppressed = new AtomicLong();

  public ApiAuthenticationFilter(ApiProperties properties) {
    this.tokens = new ApiTokens(properties);
    this.required = properties.getAuthentication() == ApiProperties.Authentication.TOKEN;
    logMode(properties);
  }

  private void logMode(ApiProperties properties) {
    int configured = properties.getTokens().size();
    int files = properties.getTokenFiles().size();
    if (!required) {
      log.warn(
          "API authentication is off (soci-indexer.api.authentication=none): any client that"
              + " reaches the port can read and change jobs; use it only on a trusted network");
      if (configured > 0 || files > 0) {
        log.warn(
            "API tokens are configured but not used, because soci-indexer.api.authentication"
                + " is none: set it to token to require them, or remove soci-indexer.api.tokens"
                + " and soci-indexer.api.token-files tokens={} token.files={}",
            configured,
            files);
      }
      return;
    }

    // Reads every token file now, so that one missing at startup is logged at startup.
    int fromFiles = tokens.fileTokenCount();
    if (configured == 0 && fromFiles == 0) {
      log.warn(
          "no API token is configured, so the job API, the backfill API and the status page"
              + " reject every request with 401: set soci-indexer.api.tokens or"
              + " soci-indexer.api.token-files");
    } else {
      log.info(
          "API authentication by token tokens={} token.files={} file.tokens={}",
          configured,
          files,
          fromFiles);
    }
  }

  @Override
  public int getOrder() {
    return ORDER;
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    return !required || isOpen(path(request));
  }

  /** Returns whether {@code path} is served without a token. */
  static boolean isOpen(String path) {
    return OPEN_PATHS.contains(path) || OPEN_PREFIXES.stream().anyMatch(path::startsWith);
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    if (tokens.isEmpty()) {
      reject(request, response, null, "no token configured",
          "this endpoint requires an API token, but the service has none configured: set"
              + " soci-indexer.api.tokens or soci-indexer.api.token-files, or set"
              + " soci-indexer.api.authentication=none if only trusted clients reach the port");
      return;
    }

    String presented = presentedToken(request.getHeader(HttpHeaders.AUTHORIZATION));
    if (presented == null) {
      reject(request, response, null, "missing token",
          "missing API token: send the header 'Authorization: Bearer <token>' with a token of"
              + " soci-indexer.api.tokens or soci-indexer.api.token-files");
      return;
    }
    if (!tokens.accepts(presented)) {
      reject(request, response, "invalid_token", "invalid token",
          "invalid API token: the bearer token matches none of soci-indexer.api.tokens or"
              + " soci-indexer.api.token-files");
      return;
    }
    chain.doFilter(request, response);
  }

  /**
   * Returns the token of a Bearer or Basic {@code Authorization} header, or null when the header
   * is missing, has another scheme or is malformed. Scheme names are case-insensitive (RFC 9110).
   */
  static String presentedToken(String authorization) {
    if (authorization == null) {
      return null;
    }
    String header = authorization.strip();
    int space = header.indexOf(' ');
    if (space < 0) {
      return null;
    }
    String scheme = header.substring(0, space).toLowerCase(Locale.ROOT);
    String credentials = header.substring(space + 1).strip();

    return switch (scheme) {
      case "bearer" -> credentials.isEmpty() ? null : credentials;
      case "basic" -> basicPassword(credentials);
      default -> null;
    };
  }

  private static String basicPassword(String credentials) {
    String decoded;
    try {
      decoded = new String(Base64.getDecoder().decode(credentials), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return null;
    }
    int colon = decoded.indexOf(':');
    return colon < 0 || colon == decoded.length() - 1 ? null : decoded.substring(colon + 1);
  }

  private void reject(
      HttpServletRequest request,
      HttpServletResponse response,
      String error,
      String reason,
      String detail)
      throws IOException {
    logRejection(request, reason);
    String bearer = "Bearer realm=\"" + REALM + "\"";
    if (error != null) {
      bearer += ", error=\"" + error + "\"";
    }
    response.addHeader(HttpHeaders.WWW_AUTHENTICATE, bearer);
    response.addHeader(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"" + REALM + "\", charset=\"UTF-8\"");
    FilterProblems.write(request, response, HttpStatus.UNAUTHORIZED, detail);
  }

  /**
   * Logs a rejection at WARN at most once a minute with the count of those logged only at DEBUG
   * since, so that a client without a token or a scan cannot flood the log. Never logs a token.
   */
  private void logRejection(HttpServletRequest request, String reason) {
    long now = System.nanoTime();
    long last = lastWarn.get();
    boolean due = last == Long.MIN_VALUE || now - last >= WARN_INTERVAL_NANOS;

    if (due && lastWarn.compareAndSet(last, now)) {
      log.warn(
          "API request rejected method={} path={} remote={} reason={} suppressed.since.last={}",
          request.getMethod(),
          path(request),
          request.getRemoteAddr(),
          reason,
          suppressed.getAndSet(0));
    } else {
      suppressed.incrementAndGet();
      log.debug(
          "API request rejected method={} path={} remote={} reason={}",
          request.getMethod(),
          path(request),
          request.getRemoteAddr(),
          reason);
    }
  }

  /** Returns the decoded, normalized path within the application, without path parameters. */
  static String path(HttpServletRequest request) {
    String servletPath = request.getServletPath();
    String pathInfo = request.getPathInfo();
    String path = pathInfo == null ? servletPath : servletPath + pathInfo;
    return path.isEmpty() ? "/" : path;
  }
}
