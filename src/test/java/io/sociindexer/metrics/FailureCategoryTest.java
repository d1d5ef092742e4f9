package io.sociindexer.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.sociindexer.job.JobError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FailureCategoryTest {

  @ParameterizedTest
  @CsvSource(nullValues = "null", value = {
      "check registry, ghcr.io, 0, registry_not_allowed",
      "fetch manifest, ghcr.io, 401, registry_auth",
      "push blob, ghcr.io, 403, registry_auth",
      "fetch manifest, ghcr.io, 404, not_found",
      "fetch blob, ghcr.io, 429, rate_limited",
      "push manifest, ghcr.io, 400, registry_client_error",
      "fetch blob, ghcr.io, 502, registry_server_error",
      "fetch blob, ghcr.io, 0, registry_unreachable",
      "run job, null, 0, timeout",
      "index layer, null, 0, corrupt_layer",
      "index image, null, 0, index_error"
  })
  void categoryOfError(String operation, String registry, int status, String expected) {
    JobError error = new JobError(operation, registry, status, null, "message", false);

    assertThat(FailureCategory.of(error)).isEqualTo(expected);
    assertThat(FailureCategory.ALL).contains(expected);
  }

  @Test
  void categoryOfNull() {
    assertThat(FailureCategory.of(null)).isEqualTo("index_error");
  }
}
