package io.sociindexer.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.sociindexer.indexer.IndexResult;
import io.sociindexer.job.JobResult;
import io.sociindexer.oci.Digest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class JobResultsTest {

  @Test
  void alreadySociEnabledKeepsReason() {
    Digest source = Digest.sha256("index".getBytes(StandardCharsets.UTF_8));
    IndexResult result =
        new IndexResult(
            IndexResult.Status.ALREADY_SOCI_ENABLED,
            "127.0.0.1:5000/app:1.0",
            source,
            List.of(),
            null,
            null,
            Duration.ZERO,
            "image index " + source + " contains the SOCI index sha256:abc");

    JobResult job = JobResults.of(result);

    assertThat(job.message())
        .isEqualTo(
            "already SOCI-enabled: image index " + source
                + " contains the SOCI index sha256:abc; nothing was pushed");
    assertThat(job.imageIndexDigest()).isNull();
    assertThat(job.outputTag()).isNull();
    assertThat(job.sociIndexDigests()).isEmpty();
  }
}
