package io.sociindexer.registry.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Bearer tokens per (API host, scope list). A token is dropped shortly before it expires, so a
 * request never starts with a token that runs out on the way. Thread-safe.
 */
final class TokenCache {

  /** Refresh this long before expiry, or at half the lifetime for tokens shorter than twice this. */
  private static final Duration REFRESH_MARGIN = Duration.ofSeconds(10);

  private final Clock clock;
  private final ConcurrentHashMap<Key, Entry> tokens = new ConcurrentHashMap<>();

  TokenCache(Clock clock) {
    this.clock = clock;
  }

  Optional<String> get(String apiHost, List<String> scopes) {
    Key key = new Key(apiHost, scopes);
    Entry entry = tokens.get(key);
    if (entry == null) {
      return Optional.empty();
    }
    if (!clock.instant().isBefore(entry.refreshAt())) {
      tokens.remove(key, entry);
      return Optional.empty();
    }
    return Optional.of(entry.token());
  }

  void put(String apiHost, List<String> scopes, String token, Duration lifetime) {
    Duration margin = lifetime.dividedBy(2).compareTo(REFRESH_MARGIN) < 0
        ? lifetime.dividedBy(2)
        : REFRESH_MARGIN;
    Instant refreshAt = clock.instant().plus(lifetime).minus(margin);
    tokens.put(new Key(apiHost, List.copyOf(scopes)), new Entry(token, refreshAt));
  }

  private record Key(String apiHost, List<String> scopes) {}

  private record Entry(String token, Instant refreshAt) {}
}
