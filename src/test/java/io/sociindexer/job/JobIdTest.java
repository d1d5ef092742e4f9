package io.sociindexer.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class JobIdTest {

  @Test
  void newJobIdIsVersionSeven() {
    UUID id = JdbcJobStore.newJobId();

    assertThat(id.version()).isEqualTo(7);
    assertThat(id.variant()).isEqualTo(2);
  }

  @Test
  void newJobIdStartsWithTime() {
    long before = System.currentTimeMillis();
    UUID id = JdbcJobStore.newJobId();
    long after = System.currentTimeMillis();

    long millis = id.getMostSignificantBits() >>> 16;
    assertThat(millis).isBetween(before, after);
  }

  @Test
  void newJobIdUnique() {
    Set<UUID> ids = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      ids.add(JdbcJobStore.newJobId());
    }

    assertThat(ids).hasSize(10_000);
  }
}
