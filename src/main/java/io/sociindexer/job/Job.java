package io.sociindexer.job;

import java.time.Instant;
import java.util.UUID;

/**
 * A durable indexing job.
 *
 * @param source who asked for it: a webhook source such as {@code distribution}, or {@code api}
 * @param runAfter earliest time a worker may claim it, later than now while a retry backs off
 * @param leaseOwner the replica that runs it, null unless running
 * @param leaseUntil when the lease ends unless renewed; another replica takes an expired lease
 * @param result set when succeeded or skipped
 * @param error the last attempt's failure, set when failed and while a retry waits
 */
public record Job(
    UUID id,
    ImageTarget image,
    JobState state,
    String source,
    int attempts,
    Instant createdAt,
    Instant startedAt,
    Instant finishedAt,
    Instant runAfter,
    String leaseOwner,
    Instant leaseUntil,
    JobProgress progress,
    JobResult result,
    JobError error) {}
