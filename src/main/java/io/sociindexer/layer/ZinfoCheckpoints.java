package io.sociindexer.layer;

import java.util.List;

/**
 * The content of a gzip zinfo blob after parsing.
 *
 * @param version {@link Zinfo#VERSION_TWO} when the blob stores checkpoint 0, {@link
 *     Zinfo#VERSION_ONE} for legacy blobs where checkpoint 0 was implied
 * @param spanSize span size that was used when the checkpoints were built
 * @param checkpoints all checkpoints, including a synthesized checkpoint 0 for version 1 blobs
 */
public record ZinfoCheckpoints(int version, long spanSize, List<Checkpoint> checkpoints) {

  public ZinfoCheckpoints {
    checkpoints = List.copyOf(checkpoints);
  }
}
