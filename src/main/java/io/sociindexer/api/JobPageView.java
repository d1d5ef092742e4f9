package io.sociindexer.api;

import java.util.List;

/**
 * One page of jobs, newest first.
 *
 * @param page zero-based page number
 * @param size the requested page size; {@code jobs} contains fewer on the last page
 * @param total jobs that match the filter, on all pages
 */
public record JobPageView(List<JobView> jobs, int page, int size, long total) {

  public JobPageView {
    jobs = List.copyOf(jobs);
  }
}
