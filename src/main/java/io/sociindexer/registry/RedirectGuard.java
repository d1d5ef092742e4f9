package io.sociindexer.registry;

import java.io.IOException;
import java.net.ProtocolException;
import java.util.Locale;
import java.util.Set;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.Response;

/**
 * An OkHttp network interceptor that checks every redirect before OkHttp follows it. A redirect
 * is followed only when its target is one of these:
 *
 * <ul>
 *   <li>the registry itself: the same scheme, host and port as the request the client started;
 *   <li>for a blob download only ({@link Origin#storageRedirects()}), because registries hand blobs
 *       to storage backends such as S3 or a CDN: an https URL on another host, or a plain http URL
 *       on a host that is one of the configured plain-http registries.
 * </ul>
 *
 * <p>Every other target is rejected with {@link RedirectRejectedException}: another scheme such as
 * {@code file:} or {@code ftp:}, a change from https to http, and any other host. OkHttp removes
 * the {@code Authorization} header when it follows a redirect to another scheme, host or port, so
 * a storage backend never receives registry credentials. Requests without an {@link Origin} tag,
 * such as token requests, pass unchecked. Thread-safe.
 */
final class RedirectGuard implements Interceptor {

  /**
   * The request a redirect chain started from, attached to each registry request as a tag.
   *
   * @param registryUrl the URL of the first request, on the registry's own scheme, host and port
   * @param storageRedirects whether https redirects to other hosts are allowed (blob downloads)
   */
  record Origin(HttpUrl registryUrl, boolean storageRedirects) {}

  /** A redirect that the rules above do not allow. Not retryable. */
  static final class RedirectRejectedException extends ProtocolException {

    RedirectRejectedException(String message) {
      super(message);
    }
  }

  private final Set<String> plainHttpRegistries;

  RedirectGuard(Set<String> plainHttpRegistries) {
    this.plainHttpRegistries = Set.copyOf(plainHttpRegistries);
  }

  @Override
  public Response intercept(Chain chain) throws IOException {
    Request request = chain.request();
    Response response = chain.proceed(request);
    Origin origin = request.tag(Origin.class);
    String location = response.header("Location");
    if (origin == null || !response.isRedirect() || location == null) {
      return response;
    }

    String rejection = check(origin, request.url(), location);
    if (rejection != null) {
      response.close();
      throw new RedirectRejectedException(rejection);
    }
    return response;
  }

  /** Returns why the redirect from {@code current} to {@code location} is rejected, or null. */
  String check(Origin origin, HttpUrl current, String location) {
    HttpUrl target = current.resolve(location);
    if (target == null) {
      return "the registry redirected to " + describeScheme(location)
          + ", which is not followed; only http and https redirects are followed";
    }
    String redacted = HttpResponses.redact(target);
    if (current.isHttps() && !target.isHttps()) {
      return "the redirect from https to " + redacted + " was rejected, because it would drop TLS";
    }
    if (sameServer(origin.registryUrl(), target)) {
      return null;
    }
    if (!origin.storageRedirects()) {
      return "the redirect to " + redacted + " was rejected: only blob downloads may be redirected"
          + " to another host";
    }
    if (target.isHttps()) {
      return null;
    }
    boolean defaultPort = target.port() == HttpUrl.defaultPort(target.scheme());
    if (plainHttpRegistries.contains(hostPort(target))
        || (defaultPort && plainHttpRegistries.contains(target.host()))) {
      return null;
    }
    return "the redirect to " + redacted + " was rejected: plain http is allowed only for the"
        + " configured plain-http registries";
  }

  /** Returns true when both URLs have the same scheme, host and port. */
  static boolean sameServer(HttpUrl a, HttpUrl b) {
    return a.scheme().equals(b.scheme()) && a.host().equalsIgnoreCase(b.host()) && a.port() == b.port();
  }

  private static String hostPort(HttpUrl url) {
    String host = url.host().contains(":") ? "[" + url.host() + "]" : url.host();
    return host + ":" + url.port();
  }

  private static String describeScheme(String location) {
    int colon = location.indexOf(':');
    if (colon <= 0) {
      return "an invalid location";
    }
    String scheme = location.substring(0, colon).toLowerCase(Locale.ROOT);
    return scheme.matches("[a-z][a-z0-9+.-]*") ? "a " + scheme + ": URL" : "an invalid location";
  }
}
