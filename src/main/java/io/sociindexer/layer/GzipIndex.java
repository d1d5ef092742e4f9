package io.sociindexer.layer;

import io.sociindexer.oci.Digest;
import java.util.List;
import java.util.Objects;

/**
 * The result of one pass over a gzip layer blob: soci's checkpoints, the sha256 of every span's
 * compressed bytes, and the size and digest of the whole blob.
 *
 * @param checkpoints checkpoints in blob order; checkpoint 0 sits right after the first gzip header
 * @param spanDigests one digest per checkpoint: span {@code i} covers the compressed bytes from
 *     {@code in_i} (one byte earlier when {@code bits_i != 0}) to {@code in_(i+1)}, and the last
 *     span ends at the end of the blob
 * @param compressedSize length of the blob in bytes
 * @param compressedDigest sha256 of the whole blob
 * @param uncompressedSize number of bytes that all gzip members decompress to together
 */
public record GzipIndex(
    List<Checkpoint> checkpoints,
    List<Digest> spanDigests,
    long compressedSize,
    Digest compressedDigest,
    long uncompressedSize) {

  public GzipIndex {
    checkpoints = List.copyOf(checkpoints);
    spanDigests = List.copyOf(spanDigests);
    Objects.requireNonNull(compressedDigest, "compressedDigest");
    if (checkpoints.size() != spanDigests.size()) {
      throw new IllegalArgumentException(
          "checkpoint count "
              + checkpoints.size()
              + " differs from span digest count "
              + spanDigests.size()
              + "; each span needs exactly one digest");
    }
  }

  /**
   * Returns the highest span id, which is the checkpoint count minus one, as the zTOC stores it.
   */
  public int maxSpanId() {
    return checkpoints.size() - 1;
  }
}
