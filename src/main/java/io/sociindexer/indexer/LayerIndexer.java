package io.sociindexer.indexer;

import io.sociindexer.layer.GzipCheckpointingInputStream;
import io.sociindexer.layer.GzipIndex;
import io.sociindexer.layer.Zinfo;
import io.sociindexer.layer.tar.EntryPaths;
import io.sociindexer.layer.tar.GoTarReader;
import io.sociindexer.layer.tar.TarHeader;
import io.sociindexer.layer.tar.UnsupportedTarEntryException;
import io.sociindexer.oci.Descriptor;
import io.sociindexer.oci.Digest;
import io.sociindexer.oci.MediaType;
import io.sociindexer.oci.MediaType.LayerCompression;
import io.sociindexer.ztoc.CompressionInfo;
import io.sociindexer.ztoc.CompressionInfo.Algorithm;
import io.sociindexer.ztoc.FileMetadata;
import io.sociindexer.ztoc.TarZinfo;
import io.sociindexer.ztoc.TocEntryList;
import io.sociindexer.ztoc.Ztoc;
import io.sociindexer.ztoc.ZtocWriter;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.List;

/**
 * Builds the zTOC of one layer in a single streaming pass. The blob stream feeds, at once, the
 * compressed-digest check, the gzip checkpointer, the span hasher and the tar reader. Nothing is
 * written to disk and no byte is read twice.
 *
 * <p>Which layers get a zTOC follows soci: gzip and plain tar layers at or above the minimum size.
 * zstd layers, smaller layers, non-layer blobs, blobs whose bytes are a known format other than the
 * one their media type declares, and tars with entries soci rejects are skipped with a reason.
 * Corrupt data (including bytes that match no known format) and digest mismatches
 * raise {@link LayerIndexingException}, because the blob, not our policy, is wrong. So do tar
 * entries whose path points outside the layer root (see {@link EntryPaths}), blobs that grow past
 * their descriptor size, and layers that cross the {@link IndexOptions#layerLimits()}.
 *
 * <p>Thread safety: stateless; one instance may index many layers concurrently.
 */
public final class LayerIndexer {

  private static final int SNIFF_LENGTH = 512;
  private static final int STREAM_BUFFER = 256 * 1024;

  private final IndexOptions options;

  public LayerIndexer(IndexOptions options) {
    this.options = options;
  }

  /**
   * Returns the reason {@code layer} gets no zTOC, judged from its descriptor alone, or null when
   * its blob must be read. Callers check this first so that skipped layers are never downloaded.
   * A blob whose media type is not a layer type is read too, but only its first bytes, so that
   * the skip reason can name the format the blob actually has.
   */
  public String skipReasonFromDescriptor(Descriptor layer) {
    if (layer.mediaType().layerCompression() == LayerCompression.ZSTD) {
      return "zstd compression is not supported by soci";
    }
    if (layer.size() < options.minLayerSize()) {
      return "size " + ByteCounts.describe(layer.size()) + " is below the minimum layer size of "
          + ByteCounts.describe(options.minLayerSize());
    }
    return null;
  }

  /**
   * Indexes the layer whose blob bytes {@code blob} yields. The stream is read to its end (unless
   * the layer is skipped) and not closed.
   *
   * @throws LayerIndexingException when the blob is corrupt or does not match its descriptor
   */
  public LayerOutcome index(Descriptor layer, InputStream blob) throws LayerIndexingException {
    String reason = skipReasonFromDescriptor(layer);
    if (reason != null) {
      return LayerOutcome.skipped(layer, reason);
    }

    long started = System.nanoTime();
    try {
      InputStream bounded = new DeclaredSizeInputStream(blob, layer.size());
      BufferedInputStream buffered = new BufferedInputStream(bounded, STREAM_BUFFER);
      DetectedFormat detected = DetectedFormat.sniff(buffered, SNIFF_LENGTH);
      LayerCompression declared = layer.mediaType().layerCompression();
      requireRecognizable(layer.mediaType(), declared, detected);
      String mismatch = formatMismatch(layer.mediaType(), declared, detected);
      if (mismatch != null) {
        return LayerOutcome.skipped(layer, mismatch);
      }

      LayerOutcome outcome =
          declared == LayerCompression.GZIP
              ? indexGzip(layer, buffered)
              : indexUncompressed(layer, buffered);
      if (!outcome.indexed()) {
        return outcome;
      }
      Duration took = Duration.ofNanos(System.nanoTime() - started);
      return new LayerOutcome(
          layer,
          outcome.ztoc(),
          outcome.ztocBytes(),
          null,
          outcome.entries(),
          outcome.spans(),
          outcome.uncompressedSize(),
          took,
          false);
    } catch (LayerIndexingException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new LayerIndexingException(layer, e);
    }
  }

  private LayerOutcome indexGzip(Descriptor layer, InputStream blob) throws IOException {
    // The zinfo blob (32 KiB per span) lives in native memory until the zTOC is written, so the
    // heap contains it only once: as the checkpoint list while streaming, then inside the zTOC.
    try (Arena arena = Arena.ofConfined()) {
      GzipPass pass = readGzip(blob, arena);
      if (pass.skipReason() != null) {
        return LayerOutcome.skipped(layer, pass.skipReason());
      }
      verifyBlob(layer, pass.compressedDigest(), pass.compressedSize());

      // The checkpoint bytes stay empty here because ZtocWriter reads them from the native blob.
      CompressionInfo info =
          new CompressionInfo(
              Algorithm.GZIP, pass.spanDigests().size() - 1, pass.spanDigests(), new byte[0]);
      return buildOutcome(
          layer, pass.compressedSize(), pass.archiveSize(), pass.entries(), info, pass.zinfo());
    }
  }

  /**
   * Reads the gzip layer and moves its checkpoints into a zinfo blob in {@code arena}. The
   * checkpoint list is reachable only from this frame, so it can be collected once this returns.
   */
  private GzipPass readGzip(InputStream blob, Arena arena) throws IOException {
    // Closing the gzip stream stops its span hasher when the tar is rejected early. It also closes
    // the blob, which the caller closes again without harm.
    try (GzipCheckpointingInputStream gzip =
        new GzipCheckpointingInputStream(blob, options.spanSize(), options.layerLimits())) {
      GoTarReader tar = new GoTarReader(gzip);
      TarEntries entries = readEntries(tar);
      if (entries.unsupportedReason() != null) {
        return new GzipPass(entries.unsupportedReason(), List.of(), 0, List.of(), 0, null, null);
      }
      long archiveSize = tar.position();
      gzip.drainToEnd();
      GzipIndex index = gzip.result();
      MemorySegment zinfo = Zinfo.toSegment(index.checkpoints(), options.spanSize(), arena);
      return new GzipPass(
          null,
          entries.list(),
          archiveSize,
          index.spanDigests(),
          index.compressedSize(),
          index.compressedDigest(),
          zinfo);
    }
  }

  /** The result of one pass over a gzip layer, without the checkpoint list. */
  private record GzipPass(
      String skipReason,
      List<FileMetadata> entries,
      long archiveSize,
      List<Digest> spanDigests,
      long compressedSize,
      Digest compressedDigest,
      MemorySegment zinfo) {}

  private LayerOutcome indexUncompressed(Descriptor layer, InputStream blob) throws IOException {
    UncompressedLayerStream raw = new UncompressedLayerStream(blob, options.spanSize());
    GoTarReader tar = new GoTarReader(raw);
    TarEntries entries = readEntries(tar);
    if (entries.unsupportedReason() != null) {
      return LayerOutcome.skipped(layer, entries.unsupportedReason());
    }
    long archiveSize = tar.position();
    raw.drainToEnd();
    verifyBlob(layer, raw.digest(), raw.size());

    List<Digest> spans = raw.spanDigests();
    CompressionInfo info =
        new CompressionInfo(
            Algorithm.UNCOMPRESSED,
            spans.size() - 1,
            spans,
            TarZinfo.serialize(options.spanSize(), raw.size()));
    MemorySegment checkpoints = MemorySegment.ofArray(info.checkpoints());
    return buildOutcome(layer, raw.size(), archiveSize, entries.list(), info, checkpoints);
  }

  private TarEntries readEntries(GoTarReader tar) throws IOException {
    TocEntryList entries = new TocEntryList();
    try {
      for (TarHeader header = tar.next(); header != null; header = tar.next()) {
        options.layerLimits().checkEntries(entries.size() + 1L);
        EntryPaths.check(header);
        entries.add(header);
        options.layerLimits().checkZtocSize(entries.estimatedSize());
      }
      return new TarEntries(entries.list(), null);
    } catch (UnsupportedTarEntryException e) {
      return new TarEntries(List.of(), "the tar holds an entry soci rejects: " + e.getMessage());
    }
  }

  /** The entries of a tar, or the reason soci would reject it. */
  private record TarEntries(List<FileMetadata> list, String unsupportedReason) {}

  private LayerOutcome buildOutcome(
      Descriptor layer,
      long compressedSize,
      long archiveSize,
      List<FileMetadata> entries,
      CompressionInfo info,
      MemorySegment checkpoints) {
    Ztoc ztoc =
        new Ztoc(
            Ztoc.VERSION,
            options.buildToolIdentifier(),
            compressedSize,
            archiveSize,
            entries,
            info);
    byte[] bytes = ZtocWriter.serialize(ztoc, checkpoints);
    Descriptor descriptor = Descriptor.of(MediaType.OCTET_STREAM, bytes);
    return new LayerOutcome(
        layer,
        descriptor,
        bytes,
        null,
        entries.size(),
        info.maxSpanId() + 1,
        archiveSize,
        Duration.ZERO,
        false);
  }

  private static void verifyBlob(Descriptor layer, Digest actual, long actualSize)
      throws IOException {
    if (actualSize != layer.size()) {
      throw new IOException(
          "the blob has " + actualSize + " bytes but its descriptor size is " + layer.size()
              + " bytes; the descriptor or the stored blob is wrong");
    }
    if (!actual.equals(layer.digest())) {
      throw new IOException(
          "digest mismatch: the blob's bytes hash to " + actual + ", not to the descriptor digest "
              + layer.digest() + "; the stored blob is corrupt or the descriptor is wrong");
    }
  }

  /**
   * Fails a layer whose bytes are neither gzip, zstd nor tar, because such a blob is corrupt rather
   * than merely mislabelled, and soci fails the whole build on it too.
   */
  private static void requireRecognizable(
      MediaType mediaType, LayerCompression declared, DetectedFormat detected) throws IOException {
    if (detected == DetectedFormat.UNKNOWN && declared != LayerCompression.NOT_A_LAYER) {
      throw new IOException(
          "media type " + mediaType + " declares " + describe(declared) + " but the blob starts"
              + " with neither the gzip magic 1f8b nor a tar header; the blob is corrupt");
    }
  }

  private static String formatMismatch(
      MediaType mediaType, LayerCompression declared, DetectedFormat detected) {
    if (declared == LayerCompression.NOT_A_LAYER) {
      return "media type " + mediaType + " is not a layer media type soci indexes, and the blob is "
          + detected.description() + ". Declare a tar or tar+gzip layer media type to index it";
    }
    boolean matches =
        switch (declared) {
          case GZIP -> detected == DetectedFormat.GZIP;
          case UNCOMPRESSED -> detected == DetectedFormat.TAR || detected == DetectedFormat.EMPTY;
          default -> false;
        };
    if (matches) {
      return null;
    }
    return "media type " + mediaType + " declares " + describe(declared) + " but the blob is "
        + detected.description();
  }

  private static String describe(LayerCompression compression) {
    return compression == LayerCompression.GZIP ? "gzip" : "an uncompressed tar";
  }
}
