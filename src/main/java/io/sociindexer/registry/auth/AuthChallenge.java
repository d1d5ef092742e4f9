package io.sociindexer.registry.auth;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One challenge of a {@code WWW-Authenticate} header, such as {@code Bearer realm="…",
 * service="…", scope="…"}. The scheme is lowercase and parameter names are lowercase because
 * both are case-insensitive in HTTP; parameter values are kept verbatim. {@code token68} is the
 * bare credential form ({@code Negotiate abc==}) and is null when the challenge has parameters.
 */
public record AuthChallenge(String scheme, Map<String, String> parameters, String token68) {

  public AuthChallenge {
    Objects.requireNonNull(scheme, "scheme");
    scheme = scheme.toLowerCase(Locale.ROOT);
    TreeMap<String, String> lowercase = new TreeMap<>();
    parameters.forEach((name, value) -> lowercase.putIfAbsent(name.toLowerCase(Locale.ROOT), value));
    parameters = Collections.unmodifiableMap(lowercase);
  }

  /** Returns the value of parameter {@code name} (case-insensitive), or null when absent. */
  public String parameter(String name) {
    return parameters.get(name.toLowerCase(Locale.ROOT));
  }

  public boolean isBearer() {
    return scheme.equals("bearer");
  }

  public boolean isBasic() {
    return scheme.equals("basic");
  }

  public String realm() {
    return parameter("realm");
  }

  public String service() {
    return parameter("service");
  }

  /** Returns the scopes of the {@code scope} parameter, which separates several with spaces. */
  public List<String> scopes() {
    String scope = parameter("scope");
    if (scope == null || scope.isBlank()) {
      return List.of();
    }
    return Arrays.stream(scope.trim().split(" +")).toList();
  }
}
