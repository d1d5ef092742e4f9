package io.sociindexer.webhook;

import io.sociindexer.config.SociIndexerProperties.WebhookSourceSettings;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks the shared secret a webhook sender presents, for sources that have no signature: a
 * header whose whole value must equal the configured one, or a {@code token} query parameter for
 * senders that can only be given a URL. Values are compared in constant time over their SHA-256
 * hashes, so neither the content nor the length of the secret leaks through timing.
 *
 * <p>When no secret is configured, deliveries are rejected unless the source is open: either
 * {@code allow-unauthenticated} is true, or the source accepts unauthenticated deliveries by
 * default (only {@code distribution}). An open source logs one WARN when it is created.
 *
 * <p>Instances are immutable and thread-safe. Messages never contain a presented or configured
 * value.
 */
public final class SenderCredentials {

  /** The query parameter that carries the secret for senders without custom headers. */
  public static final String TOKEN_PARAMETER = "token";

  private static final Logger log = LoggerFactory.getLogger(SenderCredentials.class);

  private final String source;
  private final String header;
  private final String expected;
  private final boolean open;

  private SenderCredentials(String source, String header, String expected, boolean open) {
    this.source = source;
    this.header = header;
    this.expected = expected;
    this.open = open;
  }

  /**
   * Creates a check of header {@code settings.header} (else {@code defaultHeader}) against
   * {@code settings.secret}, or against {@code Basic base64(username:password)} when a user name
   * is configured instead.
   *
   * @param openByDefault whether the source accepts unauthenticated deliveries when nothing is
   *     configured
   */
  public static SenderCredentials header(
      String source, WebhookSourceSettings settings, String defaultHeader, boolean openByDefault) {
    String header = isBlank(settings.getHeader()) ? defaultHeader : settings.getHeader().strip();
    return create(source, header, expectedHeaderValue(settings), settings, openByDefault);
  }

  /** Creates a check of the {@value #TOKEN_PARAMETER} query parameter against the secret. */
  public static SenderCredentials queryToken(String source, WebhookSourceSettings settings) {
    String secret = isBlank(settings.getSecret()) ? null : settings.getSecret();
    return create(source, null, secret, settings, false);
  }

  private static SenderCredentials create(
      String source,
      String header,
      String expected,
      WebhookSourceSettings settings,
      boolean openByDefault) {
    boolean open = expected == null && (settings.isAllowUnauthenticated() || openByDefault);
    if (open) {
      log.warn(
          "webhook source accepts unauthenticated deliveries source={}: anyone who can reach"
              + " /webhooks/{} can queue jobs; set soci-indexer.webhook.sources.{}.secret",
          source,
          source,
          source);
    }
    return new SenderCredentials(source, header, expected, open);
  }

  private static String expectedHeaderValue(WebhookSourceSettings settings) {
    if (!isBlank(settings.getSecret())) {
      return settings.getSecret();
    }
    if (!isBlank(settings.getUsername())) {
      String password = settings.getPassword() == null ? "" : settings.getPassword();
      String pair = settings.getUsername() + ":" + password;
      return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }
    return null;
  }

  /** Returns whether deliveries without credentials are accepted. */
  public boolean isOpen() {
    return open;
  }

  /**
   * Checks the credential of {@code request}.
   *
   * @throws WebhookAuthenticationException when no secret is configured and the source is not
   *     open, or the credential is missing or different
   */
  public void check(WebhookRequest request) throws WebhookAuthenticationException {
    if (open) {
      return;
    }
    if (expected == null) {
      throw new WebhookAuthenticationException(
          "no secret is configured for webhook source "
              + source
              + ": set soci-indexer.webhook.sources."
              + source
              + ".secret, or allow-unauthenticated=true on a closed network");
    }

    Optional<String> presented =
        header != null ? request.header(header) : request.queryParameter(TOKEN_PARAMETER);
    String where = header != null ? "header " + header : "query parameter " + TOKEN_PARAMETER;
    if (presented.isEmpty()) {
      throw new WebhookAuthenticationException(
          "missing credentials for webhook source " + source + ": the " + where + " is absent");
    }
    if (!constantTimeEquals(expected, presented.get())) {
      throw new WebhookAuthenticationException(
          "invalid credentials for webhook source "
              + source
              + ": the "
              + where
              + " does not match the configured secret");
    }
  }

  /** Compares two secrets in time that depends on neither their content nor their length. */
  public static boolean constantTimeEquals(String expected, String presented) {
    return MessageDigest.isEqual(sha256(expected), sha256(presented));
  }

  private static byte[] sha256(String value) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
    }
  }

  private static boolean isBlank(String value) {
    return value == null || value.isBlank();
  }
}
