package io.sociindexer.registry.auth;

import java.util.Objects;
import okhttp3.HttpUrl;

/**
 * The registry and repository access that one HTTP request needs. {@code RegistryClient} attaches
 * it to each request as an OkHttp tag; {@link RegistryAuthInterceptor} authenticates only requests
 * that carry it, and only while they go to {@code apiHost}.
 *
 * @param registry the registry name credentials are configured for, such as {@code docker.io}
 * @param apiHost the host and optional port requests go to, such as {@code registry-1.docker.io}
 * @param repository the repository name, such as {@code library/nginx}
 * @param push whether the request writes to the repository, which needs the push action
 */
public record AuthScope(String registry, String apiHost, String repository, boolean push) {

  public AuthScope {
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(apiHost, "apiHost");
    Objects.requireNonNull(repository, "repository");
  }

  /**
   * Returns the token scope, for example {@code repository:app:push,pull}. Push comes first
   * because some registries read only the first action.
   */
  public String tokenScope() {
    return "repository:" + repository + (push ? ":push,pull" : ":pull");
  }

  /**
   * Returns true when {@code url} addresses {@code apiHost}: the same host and the same port,
   * where an {@code apiHost} without a port means the default port of the URL's scheme.
   */
  public boolean matchesHost(HttpUrl url) {
    String host = apiHost;
    int port = HttpUrl.defaultPort(url.scheme());
    int colon = apiHost.lastIndexOf(':');
    if (colon > 0 && apiHost.indexOf(']') < colon) {
      host = apiHost.substring(0, colon);
      port = Integer.parseInt(apiHost.substring(colon + 1));
    }
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    return url.host().equalsIgnoreCase(host) && url.port() == port;
  }
}
