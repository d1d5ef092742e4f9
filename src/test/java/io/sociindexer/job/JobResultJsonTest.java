package io.sociindexer.job;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class JobResultJsonTest {

  private final JsonMapper json = JsonMapper.builder().build();

  @Test
  void resultWithoutReusedReadsFalse() {
    String stored =
        "{\"imageIndexDigest\":\"sha256:aa\",\"outputTag\":\"1.0-soci\",\"sociIndexDigests\":[],"
            + "\"layers\":[{\"platform\":\"linux/amd64\",\"layerDigest\":\"sha256:cc\","
            + "\"size\":5,\"ztocDigest\":\"sha256:dd\",\"skipReason\":null}],"
            + "\"message\":\"indexed as 1.0-soci\"}";

    JobResult result = json.readValue(stored, JobResult.class);

    assertThat(result.layers()).hasSize(1);
    assertThat(result.layers().getFirst().reused()).isFalse();
    assertThat(result.layers().getFirst().ztocDigest()).isEqualTo("sha256:dd");
  }
}
