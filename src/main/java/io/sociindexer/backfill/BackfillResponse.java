package io.sociindexer.backfill;

import java.util.List;

/**
 * The response body of {@code POST /api/v1/backfill}.
 *
 * @param queued how many jobs were queued, one per tag to index
 * @param skipped the tags that match the glob but got no job, each with the reason
 */
public record BackfillResponse(int queued, List<SkippedTag> skipped) {

  public BackfillResponse {
    skipped = List.copyOf(skipped);
  }

  /** A tag that got no job, and why. */
  public record SkippedTag(String tag, String reason) {}
}
