package io.sociindexer.registry.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class TokenCacheTest {

  private static final class MutableClock extends Clock {
    private Instant now = Instant.parse("2026-01-01T00:00:00Z");

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  @Test
  void expiresBeforeLifetime() {
    MutableClock clock = new MutableClock();
    TokenCache cache = new TokenCache(clock);
    cache.put("r.io", List.of("repository:a:pull"), "t1", Duration.ofSeconds(60));

    clock.now = clock.now.plusSeconds(49);
    assertThat(cache.get("r.io", List.of("repository:a:pull"))).contains("t1");
    clock.now = clock.now.plusSeconds(1);
    assertThat(cache.get("r.io", List.of("repository:a:pull"))).isEmpty();
  }

  @Test
  void keyedByHostAndScopes() {
    TokenCache cache = new TokenCache(new MutableClock());
    cache.put("r.io", List.of("repository:a:pull"), "t1", Duration.ofSeconds(60));

    assertThat(cache.get("r.io", List.of("repository:a:push,pull"))).isEmpty();
    assertThat(cache.get("other.io", List.of("repository:a:pull"))).isEmpty();
  }

  @Test
  void shortLifetimeHalved() {
    MutableClock clock = new MutableClock();
    TokenCache cache = new TokenCache(clock);
    cache.put("r.io", List.of("s"), "t1", Duration.ofSeconds(10));

    clock.now = clock.now.plusSeconds(4);
    assertThat(cache.get("r.io", List.of("s"))).contains("t1");
    clock.now = clock.now.plusSeconds(1);
    assertThat(cache.get("r.io", List.of("s"))).isEmpty();
  }
}
