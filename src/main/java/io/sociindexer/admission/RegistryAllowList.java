package io.sociindexer.admission;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The registries the service may contact, as {@code host[:port]} entries. A registry is allowed
 * when it equals an entry, or when an entry {@code *.example.com[:port]} names a parent domain
 * of its host and the same port (or both have none). Matching rules:
 *
 * <ul>
 *   <li>host names compare without case, and the port must be written the same, so
 *       {@code registry.example} does not allow {@code registry.example:443};
 *   <li>a wildcard covers subdomains at any depth but not the domain itself;
 *   <li>{@code docker.io}, {@code index.docker.io} and {@code registry-1.docker.io} are one
 *       registry, checked as {@code docker.io}, the name image references use;
 *   <li>bracketed IPv6 literals compare by address, so {@code [::1]} equals
 *       {@code [0:0:0:0:0:0:0:1]}; IPv4 literals compare as written;
 *   <li>a registry that is not a plain {@code host[:port]} (with a path, user info or other
 *       characters) is never allowed, so that a crafted name cannot end in an allowed suffix.
 * </ul>
 *
 * <p>It never resolves a name or contacts a host. Immutable and thread-safe.
 */
public final class RegistryAllowList {

  private static final String DOCKER_HUB = "docker.io";
  private static final Set<String> DOCKER_HUB_ALIASES =
      Set.of("index.docker.io", "registry-1.docker.io");

  private static final String LABEL = "[a-z0-9](?:[a-z0-9-]*[a-z0-9])?";
  private static final Pattern HOST_PORT =
      Pattern.compile("(" + LABEL + "(?:\\." + LABEL + ")*|\\[[0-9a-f:.]+\\])(?::([0-9]{1,5}))?");
  private static final Pattern NUMERIC_LABEL = Pattern.compile("[0-9]+");

  private final Set<String> exact;
  private final List<Wildcard> wildcards;

  private RegistryAllowList(Set<String> exact, List<Wildcard> wildcards) {
    this.exact = exact;
    this.wildcards = wildcards;
  }

  /** A {@code *.suffix[:port]} entry. */
  private record Wildcard(String suffix, String port, String text) {

    boolean matches(HostPort registry) {
      return registry.host().endsWith("." + suffix) && Objects.equals(port, registry.port());
    }
  }

  /** A validated, lower-case host and its port digits, or a null port. */
  private record HostPort(String host, String port) {

    @Override
    public String toString() {
      return port == null ? host : host + ":" + port;
    }
  }

  /**
   * Parses the entries.
   *
   * @throws IllegalArgumentException naming the entry when one is not {@code host[:port]} or
   *     {@code *.domain[:port]}
   */
  public static RegistryAllowList of(Collection<String> entries) {
    Set<String> exact = new LinkedHashSet<>();
    List<Wildcard> wildcards = new ArrayList<>();
    for (String entry : entries) {
      if (entry == null || entry.isBlank()) {
        continue;
      }
      String text = entry.strip().toLowerCase(Locale.ROOT);
      if (text.startsWith("*.")) {
        wildcards.add(parseWildcard(entry, text));
      } else {
        exact.add(parseEntry(entry, text).toString());
      }
    }
    return new RegistryAllowList(Set.copyOf(exact), List.copyOf(wildcards));
  }

  private static HostPort parseEntry(String entry, String text) {
    HostPort parsed = parse(text);
    if (parsed == null) {
      throw new IllegalArgumentException(
          "invalid registry '" + entry + "': expected host[:port], such as"
              + " registry.example:5000, or *.example.com for its subdomains, without a scheme"
              + " or path");
    }
    return parsed;
  }

  private static Wildcard parseWildcard(String entry, String text) {
    HostPort suffix = parseEntry(entry, text.substring(2));
    String[] labels = suffix.host().split("\\.");
    boolean ipLike =
        suffix.host().startsWith("[") || NUMERIC_LABEL.matcher(labels[labels.length - 1]).matches();
    if (ipLike) {
      throw new IllegalArgumentException(
          "invalid registry '" + entry + "': a wildcard needs a domain name"
              + " such as *.example.com, not an IP address; list each address instead");
    }
    return new Wildcard(suffix.host(), suffix.port(), text);
  }

  /**
   * Returns the host and port of {@code text}, canonical, or null when it is not a plain
   * {@code host[:port]} or names a port outside 1 to 65535.
   */
  private static HostPort parse(String text) {
    String lower = text.toLowerCase(Locale.ROOT);
    Matcher matcher = HOST_PORT.matcher(lower);
    if (!matcher.matches()) {
      return null;
    }

    String host = matcher.group(1);
    String port = matcher.group(2);
    if (port != null && (Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535)) {
      return null;
    }
    if (host.startsWith("[")) {
      host = canonicalIpv6(host);
      if (host == null) {
        return null;
      }
    }
    if (DOCKER_HUB_ALIASES.contains(host) && port == null) {
      host = DOCKER_HUB;
    }
    return new HostPort(host, port);
  }

  /** Returns {@code [address]} in Java's full form, without a lookup, or null when invalid. */
  private static String canonicalIpv6(String bracketed) {
    String literal = bracketed.substring(1, bracketed.length() - 1);
    if (!literal.contains(":")) {
      return null;
    }
    try {
      return "[" + InetAddress.ofLiteral(literal).getHostAddress() + "]";
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** Returns whether the service may contact {@code registry}, a {@code host[:port]}. */
  public boolean allows(String registry) {
    if (registry == null) {
      return false;
    }
    HostPort parsed = parse(registry);
    if (parsed == null) {
      return false;
    }
    return exact.contains(parsed.toString())
        || wildcards.stream().anyMatch(wildcard -> wildcard.matches(parsed));
  }

  public boolean isEmpty() {
    return exact.isEmpty() && wildcards.isEmpty();
  }

  /** Returns the entries in canonical form: exact entries, then wildcards, in order. */
  public List<String> entries() {
    List<String> entries = new ArrayList<>(exact.stream().sorted().toList());
    wildcards.forEach(wildcard -> entries.add(wildcard.text()));
    return entries;
  }

  @Override
  public String toString() {
    return entries().toString();
  }
}
