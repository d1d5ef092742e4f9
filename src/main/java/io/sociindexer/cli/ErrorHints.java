package io.sociindexer.cli;

import io.sociindexer.oci.Reference;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Locale;
import javax.net.ssl.SSLException;
import okhttp3.OkHttpClient;

/**
 * Suggests what to try after a network failure, from the first cause in the chain that it
 * recognises. The registry client does not know command line options, so hints that name them
 * live here.
 */
final class ErrorHints {

  /** Bounds the walk along the cause chain, which a faulty exception could make circular. */
  private static final int MAX_CAUSES = 20;

  private final String hostPort;
  private final boolean plainHttp;
  private final Duration connectTimeout;
  private final Duration readTimeout;

  /**
   * @param hostPort the registry address in {@code host:port} form
   * @param plainHttp whether the registry is reached over plain HTTP
   * @param connectTimeout the client's connect timeout, or null when unknown
   * @param readTimeout the client's read timeout, or null when unknown
   */
  ErrorHints(String hostPort, boolean plainHttp, Duration connectTimeout, Duration readTimeout) {
    this.hostPort = hostPort;
    this.plainHttp = plainHttp;
    this.connectTimeout = connectTimeout;
    this.readTimeout = readTimeout;
  }

  /** Creates the hints for requests to the registry of {@code reference} made through {@code http}. */
  static ErrorHints forRegistry(Reference reference, boolean plainHttp, OkHttpClient http) {
    String host = reference.apiHost();
    boolean hasPort = host.matches(".*:[0-9]+");
    String hostPort = hasPort ? host : host + (plainHttp ? ":80" : ":443");
    return new ErrorHints(
        hostPort,
        plainHttp,
        Duration.ofMillis(http.connectTimeoutMillis()),
        Duration.ofMillis(http.readTimeoutMillis()));
  }

  /** Returns the hint for the first recognised cause of {@code failure}, or null. */
  String hint(Throwable failure) {
    Throwable cause = failure;
    for (int depth = 0; cause != null && depth < MAX_CAUSES; depth++) {
      if (cause instanceof SSLException && !plainHttp) {
        return "the registry may speak plain HTTP: pass --plain-http";
      }
      if (cause instanceof ConnectException) {
        return "is a registry listening on " + hostPort + "?";
      }
      if (cause instanceof SocketTimeoutException timeout) {
        return timeoutHint(timeout);
      }
      cause = cause.getCause();
    }
    return null;
  }

  /** Returns {@code message}, followed by the hint for {@code failure} when there is one. */
  String withHint(String message, Throwable failure) {
    String hint = hint(failure);
    return hint == null ? message : message + "; " + hint;
  }

  private String timeoutHint(SocketTimeoutException timeout) {
    String text = String.valueOf(timeout.getMessage()).toLowerCase(Locale.ROOT);
    if (text.contains("connect")) {
      return connectTimeout == null
          ? "connecting to " + hostPort + " timed out"
          : "no connection to " + hostPort + " within " + seconds(connectTimeout);
    }
    return readTimeout == null
        ? "the registry at " + hostPort + " timed out"
        : "no response from " + hostPort + " within " + seconds(readTimeout);
  }

  private static String seconds(Duration duration) {
    long millis = duration.toMillis();
    if (millis % 1000 == 0) {
      return millis / 1000 + " s";
    }
    return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
  }
}
