package io.sociindexer.web;

import io.sociindexer.api.InMemoryJobStore;
import io.sociindexer.job.ImageTarget;
import io.sociindexer.job.Job;
import io.sociindexer.job.JobError;
import io.sociindexer.job.JobProgress;
import io.sociindexer.job.JobResult;
import io.sociindexer.job.JobState;
import io.sociindexer.oci.Digest;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Jobs in every section of the status page, stored in an {@link InMemoryJobStore}. */
final class StatusPageFixtures {

  static final Digest DIGEST =
      Digest.parse("sha256:1bc04b5291c26a46d918139138b992d2de976d6851d0893b0476b85bfbdfc6e6");
  static final Instant T0 = Instant.parse("2026-02-01T10:00:00Z");
  static final String HOSTILE_REPOSITORY = "team/<script>alert(1)</script>";

  private StatusPageFixtures() {}

  /** Stores one queued, one running, one succeeded, one skipped and two failed jobs. */
  static void store(InMemoryJobStore store) {
    store.put(job(JobState.QUEUED, "team/queued", 0, null, null, null));
    store.put(
        job(
            JobState.RUNNING, "team/web", 1,
            new JobProgress(2, 5, 40L * 1024 * 1024, 160L * 1024 * 1024), null, null));
    store.put(
        job(
            JobState.SUCCEEDED, "team/api", 1, null,
            new JobResult(
                "sha256:aa", "1.0-soci", List.of(), List.of(), null),
            null));
    store.put(
        job(
            JobState.SKIPPED, "team/tiny", 1, null,
            JobResult.message("nothing to index: every layer is under the minimum size"), null));
    store.put(
        job(
            JobState.FAILED, "team/broken", 3, null, null,
            new JobError(
                "fetch manifest", "127.0.0.1:5000", 404, "MANIFEST_UNKNOWN",
                "manifest 1.0 not found in 127.0.0.1:5000/team/broken", false)));
    store.put(
        job(
            JobState.FAILED, HOSTILE_REPOSITORY, 1, null, null,
            new JobError("index layer", null, 0, null, "bad layer <b>bold</b> & more", false)));
  }

  static Job job(
      JobState state,
      String repository,
      int attempts,
      JobProgress progress,
      JobResult result,
      JobError error) {
    ImageTarget image = new ImageTarget("127.0.0.1:5000", repository, "1.0", DIGEST);
    return new Job(
        UUID.randomUUID(), image, state, "distribution", attempts, T0,
        attempts > 0 ? T0.plusSeconds(1) : null,
        state.isActive() ? null : T0.plusSeconds(9),
        T0, state == JobState.RUNNING ? "node-a" : null,
        state == JobState.RUNNING ? T0.plusSeconds(30) : null,
        progress, result, error);
  }
}
