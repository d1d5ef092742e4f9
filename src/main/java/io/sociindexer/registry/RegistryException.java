package io.sociindexer.registry;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLException;

/**
 * A failed registry operation, with the context a caller needs to report and classify it. The
 * message reads like {@code push blob sha256:… to 127.0.0.1:5000/app failed: 400 Bad Request
 * DIGEST_INVALID: provided digest did not match uploaded content}. Messages and fields never
 * contain credentials, tokens or URL query strings, which may hold signatures.
 *
 * <p>{@link #status()} is the HTTP status of the failed response, or 0 when no response arrived
 * (connection failure, timeout); the cause is then the original {@link IOException}.
 * Subclasses exist only where a caller acts differently: {@link RegistryAuthException}, {@link
 * ManifestNotFoundException}, {@link BlobNotFoundException} and {@link DigestMismatchException}.
 */
public class RegistryException extends IOException {

  /**
   * Distribution-spec error codes that report a temporary condition. {@code BLOB_UPLOAD_INVALID}
   * is included because it usually means the upload session expired, and a new upload succeeds.
   */
  private static final Set<String> RETRYABLE_CODES =
      Set.of("UNKNOWN", "UNAVAILABLE", "TOOMANYREQUESTS", "BLOB_UPLOAD_INVALID");

  private final Context context;
  private final int status;
  private final String errorCode;
  private final String registryMessage;
  private final Duration retryAfter;
  private final String summary;

  /**
   * Creates an exception.
   *
   * @param context what was attempted, on which image and with which request
   * @param status the HTTP status, or 0 when no response arrived
   * @param reason the HTTP reason phrase, or null
   * @param errorCode the first distribution-spec error code of the response body, or null
   * @param registryMessage the message that goes with {@code errorCode}, or null
   * @param retryAfter the wait the registry asked for in {@code Retry-After}, or null
   * @param detail what went wrong when the status alone does not say it, or null
   * @param cause the underlying exception, or null
   */
  public RegistryException(
      Context context,
      int status,
      String reason,
      String errorCode,
      String registryMessage,
      Duration retryAfter,
      String detail,
      Throwable cause) {
    super(composeMessage(context, status, reason, errorCode, registryMessage, detail), cause);
    this.context = Objects.requireNonNull(context, "context");
    this.status = status;
    this.errorCode = errorCode;
    this.registryMessage = registryMessage;
    this.retryAfter = retryAfter;
    this.summary = summarize(status, reason, errorCode, registryMessage, detail);
  }

  /** Creates an exception for a failure that is not an HTTP error, such as an invalid header. */
  public RegistryException(Context context, int status, String detail, Throwable cause) {
    this(context, status, null, null, null, null, detail, cause);
  }

  /**
   * The attempted operation and request of a failure.
   *
   * @param operation the operation name, such as {@code fetch manifest} or {@code push blob}
   * @param action the operation with its object, such as {@code push blob sha256:… to ghcr.io/a/b}
   * @param image the image reference or repository name
   * @param registry the registry name, such as {@code ghcr.io}
   * @param httpMethod the HTTP method of the failed request
   * @param url the request URL without query string, or null
   */
  public record Context(
      String operation, String action, String image, String registry, String httpMethod, String url) {

    public Context {
      Objects.requireNonNull(operation, "operation");
      Objects.requireNonNull(action, "action");
    }

    /** Returns a copy for another HTTP request of the same operation. */
    public Context withRequest(String newHttpMethod, String newUrl) {
      return new Context(operation, action, image, registry, newHttpMethod, newUrl);
    }
  }

  public Context context() {
    return context;
  }

  /** Returns the operation name, such as {@code fetch manifest} or {@code upload blob chunk}. */
  public String operation() {
    return context.operation();
  }

  /** Returns the image reference or repository name the operation was about. */
  public String image() {
    return context.image();
  }

  public String registry() {
    return context.registry();
  }

  public String httpMethod() {
    return context.httpMethod();
  }

  /** Returns the request URL without its query string, or null when unknown. */
  public String url() {
    return context.url();
  }

  /** Returns the HTTP status, or 0 when no response arrived. */
  public int status() {
    return status;
  }

  /** Returns the first distribution-spec error code of the response body, or null. */
  public String errorCode() {
    return errorCode;
  }

  /** Returns the registry's message for {@link #errorCode()}, or null. */
  public String registryMessage() {
    return registryMessage;
  }

  /** Returns the wait the registry asked for in {@code Retry-After}, capped; empty when absent. */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }

  /**
   * Returns true when the same operation may succeed if tried again later: 408, 429, most 5xx
   * statuses, the temporary distribution-spec error codes, and failures without a response other
   * than TLS errors. The caller decides whether and when to retry.
   */
  public boolean retryable() {
    if (status == 0) {
      return getCause() instanceof IOException && !(getCause() instanceof SSLException);
    }
    if (status == 408 || status == 429 || status == 499 || status == 522) {
      return true;
    }
    if (status >= 500 && status != 501 && status != 505) {
      return true;
    }
    if ("DIGEST_INVALID".equals(errorCode) && "PUT".equals(httpMethod())) {
      // We computed the digest of the bytes we sent, so a mismatch means the registry stored
      // other bytes. Distribution's filesystem storage does this when two clients push the same
      // content at once, which replicas indexing images that share layers do; a retry succeeds.
      return true;
    }
    return errorCode != null && RETRYABLE_CODES.contains(errorCode);
  }

  /** Returns the message after "{@code <action> failed: }", such as {@code 503 Service Unavailable}. */
  String summary() {
    return summary;
  }

  private static String composeMessage(
      Context context,
      int status,
      String reason,
      String errorCode,
      String registryMessage,
      String detail) {
    return context.action() + " failed: "
        + summarize(status, reason, errorCode, registryMessage, detail);
  }

  private static String summarize(
      int status, String reason, String errorCode, String registryMessage, String detail) {
    List<String> parts = new ArrayList<>();
    if (status > 0) {
      parts.add(reason == null || reason.isBlank() ? String.valueOf(status) : status + " " + reason);
    }
    if (errorCode != null) {
      parts.add(isBlank(registryMessage) ? errorCode : errorCode + ": " + registryMessage);
    } else if (!isBlank(registryMessage)) {
      parts.add(registryMessage);
    }

    String summary = String.join(" ", parts);
    if (!isBlank(detail)) {
      summary = summary.isEmpty() ? detail : summary + "; " + detail;
    }
    return summary.isEmpty() ? "no response" : summary;
  }

  /**
   * Returns the message of {@code cause} as plain words for a detail, without the class name that
   * {@link Throwable#toString()} puts in front: {@code failed to connect to 127.0.0.1:5055}. A
   * cause without a message is named by its simple class name.
   */
  static String plainMessage(Throwable cause) {
    String message = cause.getMessage();
    if (isBlank(message)) {
      return cause.getClass().getSimpleName();
    }
    // InetSocketAddress prints an address without a host name as "/127.0.0.1:5055".
    message = message.strip().replace(" /", " ");
    boolean acronym = message.length() > 1 && Character.isUpperCase(message.charAt(1));
    if (!acronym) {
      message = Character.toLowerCase(message.charAt(0)) + message.substring(1);
    }
    return message;
  }

  private static boolean isBlank(String text) {
    return text == null || text.isBlank();
  }
}
