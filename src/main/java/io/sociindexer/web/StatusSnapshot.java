package io.sociindexer.web;

import io.sociindexer.job.Job;
import io.sociindexer.job.JobState;
import io.sociindexer.job.JobStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The content of the status page, read from the {@link JobStore} at one moment.
 *
 * @param counts number of jobs in each state, with every state present
 * @param running running jobs, newest first, at most {@link #RUNNING_LIMIT}
 * @param recent finished jobs of every final state, most recently finished first, at most {@link
 *     #RECENT_LIMIT}
 * @param failures failed jobs, newest first, at most {@link #RECENT_LIMIT}
 * @param takenAt when the store was read
 */
public record StatusSnapshot(
    Map<JobState, Long> counts,
    List<Job> running,
    List<Job> recent,
    List<Job> failures,
    Instant takenAt) {

  /** The maximum number of running jobs listed; the count by state still includes all of them. */
  public static final int RUNNING_LIMIT = 50;

  /** The maximum number of recent results and of failures listed. */
  public static final int RECENT_LIMIT = 20;

  private static final List<JobState> FINAL_STATES =
      List.of(JobState.SUCCEEDED, JobState.SKIPPED, JobState.FAILED, JobState.CANCELLED);

  public StatusSnapshot {
    counts = completeCounts(counts);
    running = List.copyOf(running);
    recent = List.copyOf(recent);
    failures = List.copyOf(failures);
  }

  /**
   * Reads the counts, the running jobs, the recent results and the failures from {@code store}.
   * The reads are separate queries, so a job that changes state between them may show in two
   * sections or in none until the next refresh.
   */
  public static StatusSnapshot load(JobStore store, Instant now) {
    Map<JobState, Long> counts = store.countByState();
    List<Job> running = store.list(JobState.RUNNING, null, 0, RUNNING_LIMIT).jobs();
    List<Job> failures = store.list(JobState.FAILED, null, 0, RECENT_LIMIT).jobs();
    return new StatusSnapshot(counts, running, recentFinished(store), failures, now);
  }

  /** Returns the total number of queued and running jobs. */
  public long active() {
    return counts.get(JobState.QUEUED) + counts.get(JobState.RUNNING);
  }

  private static List<Job> recentFinished(JobStore store) {
    // The store lists one state at a time, newest created first. Taking the first page of each
    // final state and sorting by finish time gives the most recent results unless a job created
    // long ago finished after RECENT_LIMIT newer jobs of its state, which a page of 20 can miss.
    List<Job> finished = new ArrayList<>();
    for (JobState state : FINAL_STATES) {
      finished.addAll(store.list(state, null, 0, RECENT_LIMIT).jobs());
    }

    Comparator<Job> byFinish =
        Comparator.comparing(
            StatusSnapshot::finishedOrCreated, Comparator.nullsLast(Comparator.reverseOrder()));
    return finished.stream().sorted(byFinish).limit(RECENT_LIMIT).toList();
  }

  private static Instant finishedOrCreated(Job job) {
    return job.finishedAt() != null ? job.finishedAt() : job.createdAt();
  }

  private static Map<JobState, Long> completeCounts(Map<JobState, Long> counts) {
    Map<JobState, Long> complete = new EnumMap<>(JobState.class);
    for (JobState state : JobState.values()) {
      Long count = counts.get(state);
      complete.put(state, count == null ? 0L : count);
    }
    return Map.copyOf(complete);
  }
}
