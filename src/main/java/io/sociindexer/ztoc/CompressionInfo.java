package io.sociindexer.ztoc;

import io.sociindexer.oci.Digest;
import java.util.List;
import java.util.Objects;

/**
 * How to decompress the spans of a layer.
 *
 * @param algorithm {@link Algorithm#GZIP} or {@link Algorithm#UNCOMPRESSED}; soci has no zstd value
 * @param maxSpanId number of spans minus one
 * @param spanDigests sha256 of each span's compressed bytes
 * @param checkpoints the gzip zinfo blob, or the TarZinfo flatbuffer for uncompressed layers
 */
public record CompressionInfo(
    Algorithm algorithm, int maxSpanId, List<Digest> spanDigests, byte[] checkpoints) {

  public CompressionInfo {
    Objects.requireNonNull(algorithm, "algorithm");
    spanDigests = List.copyOf(spanDigests);
    Objects.requireNonNull(checkpoints, "checkpoints");
  }

  /** soci's {@code CompressionAlgorithm} enum; the values are the bytes written to the zTOC. */
  public enum Algorithm {
    GZIP((byte) 1),
    UNCOMPRESSED((byte) 2);

    private final byte value;

    Algorithm(byte value) {
      this.value = value;
    }

    public byte value() {
      return value;
    }
  }
}
