package io.sociindexer.worker;

import io.sociindexer.job.Job;
import java.util.List;
import java.util.Map;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Health of the indexing workers: UP while the pool runs, or always when this replica runs no
 * workers; DOWN before start and after shutdown began. Details name the node id and the jobs
 * running now.
 */
public final class WorkersHealthIndicator implements HealthIndicator {

  private final WorkerPool pool;

  public WorkersHealthIndicator(WorkerPool pool) {
    this.pool = pool;
  }

  @Override
  public Health health() {
    int count = pool.settings().count();
    Health.Builder builder = pool.isRunning() || count == 0 ? Health.up() : Health.down();
    List<Map<String, Object>> jobs = pool.runningJobs().stream().map(this::describe).toList();
    return builder
        .withDetail("nodeId", pool.nodeId())
        .withDetail("workers", count)
        .withDetail("perRegistry", pool.settings().perRegistry())
        .withDetail("runningJobs", jobs)
        .build();
  }

  private Map<String, Object> describe(Job job) {
    return Map.of("id", job.id().toString(), "image", job.image().toString());
  }
}
