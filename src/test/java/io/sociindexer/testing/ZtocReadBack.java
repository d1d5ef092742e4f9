package io.sociindexer.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.sociindexer.layer.Checkpoint;
import io.sociindexer.layer.GzipSpanReader;
import io.sociindexer.layer.Zinfo;
import io.sociindexer.layer.tar.GoTarReader;
import io.sociindexer.layer.tar.TarHeader;
import io.sociindexer.oci.Digest;
import io.sociindexer.ztoc.CompressionInfo;
import io.sociindexer.ztoc.FileMetadata;
import io.sociindexer.ztoc.TarZinfo;
import io.sociindexer.ztoc.TocEntries;
import io.sociindexer.ztoc.Ztoc;
import io.sociindexer.ztoc.ZtocReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Checks a zTOC against its layer the way soci's snapshotter uses it, independently of the code
 * that built it. Every entry's header region must parse to exactly that entry. Every regular file
 * read through its nearest checkpoint must equal the original bytes. Every span digest must equal
 * the sha256 of the compressed bytes soci fetches for that span.
 */
public final class ZtocReadBack {

  private ZtocReadBack() {}

  /** Runs every check; AssertJ failures name the entry or span that differs. */
  public static Ztoc verify(byte[] layerBlob, byte[] ztocBytes) throws IOException {
    Ztoc ztoc = ZtocReader.parse(ztocBytes);
    CompressionInfo info = ztoc.compressionInfo();
    boolean gzip = info.algorithm() == CompressionInfo.Algorithm.GZIP;
    byte[] tar = gzip ? gunzip(layerBlob) : layerBlob;

    assertThat(ztoc.compressedArchiveSize()).as("compressed archive size").isEqualTo(layerBlob.length);
    assertThat(ztoc.uncompressedArchiveSize()).as("uncompressed archive size").isLessThanOrEqualTo(tar.length);
    verifyEntries(ztoc.entries(), tar);

    if (gzip) {
      List<Checkpoint> checkpoints = Zinfo.fromBlob(info.checkpoints()).checkpoints();
      verifyGzipSpans(info, checkpoints, layerBlob);
      verifyFileReads(ztoc.entries(), checkpoints, layerBlob, tar);
    } else {
      verifyTarSpans(info, layerBlob);
    }
    return ztoc;
  }

  /** Decompresses every gzip member, independently of the zlib binding under test. */
  public static byte[] gunzip(byte[] blob) throws IOException {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(blob), 64 * 1024)) {
      return in.readAllBytes();
    }
  }

  private static void verifyEntries(List<FileMetadata> entries, byte[] tar) throws IOException {
    long previousEnd = 0;
    for (FileMetadata entry : entries) {
      long headerStart = (previousEnd + 511) / 512 * 512;
      assertThat(headerStart).as("header start of %s", entry).isLessThanOrEqualTo(entry.uncompressedOffset());

      byte[] region = Arrays.copyOfRange(tar, (int) headerStart, (int) entry.uncompressedOffset());
      GoTarReader reader = new GoTarReader(new ByteArrayInputStream(region));
      TarHeader header = reader.next();
      assertThat(header).as("header of %s", entry).isNotNull();
      assertThat(header.dataOffset()).as("bytes consumed for %s", entry).isEqualTo(region.length);
      FileMetadata reparsed = TocEntries.fromTarHeader(header);
      assertThat(reparsed.name()).as("name of %s", entry).isEqualTo(entry.name());
      assertThat(reparsed.type()).as("type of %s", entry).isEqualTo(entry.type());
      assertThat(reparsed.uncompressedSize()).as("size of %s", entry).isEqualTo(entry.uncompressedSize());
      assertThat(reparsed.linkname()).as("linkname of %s", entry).isEqualTo(entry.linkname());
      assertThat(reparsed.mode()).as("mode of %s", entry).isEqualTo(entry.mode());
      assertThat(reparsed.uid()).as("uid of %s", entry).isEqualTo(entry.uid());
      assertThat(reparsed.gid()).as("gid of %s", entry).isEqualTo(entry.gid());
      assertThat(reparsed.modTime()).as("mod time of %s", entry).isEqualTo(entry.modTime());
      assertThat(reparsed.paxRecords()).as("PAX records of %s", entry).isEqualTo(entry.paxRecords());

      previousEnd = entry.uncompressedOffset() + entry.uncompressedSize();
    }
  }

  private static void verifyFileReads(
      List<FileMetadata> entries, List<Checkpoint> checkpoints, byte[] blob, byte[] tar)
      throws IOException {
    for (FileMetadata entry : entries) {
      if (!entry.type().equals("reg") || entry.uncompressedSize() == 0) {
        continue;
      }
      int offset = (int) entry.uncompressedOffset();
      int size = (int) entry.uncompressedSize();
      byte[] read = GzipSpanReader.read(blob, checkpoints, offset, size);
      assertThat(read).as("content of %s", entry).isEqualTo(Arrays.copyOfRange(tar, offset, offset + size));
    }
  }

  private static void verifyGzipSpans(
      CompressionInfo info, List<Checkpoint> checkpoints, byte[] blob) {
    assertThat(info.maxSpanId()).as("max span id").isEqualTo(checkpoints.size() - 1);
    assertThat(info.spanDigests()).as("span digest count").hasSize(checkpoints.size());
    for (int span = 0; span < checkpoints.size(); span++) {
      long[] range = GzipSpanReader.spanCompressedRange(checkpoints, span, blob.length);
      assertThat(range[0]).as("start of span %d", span).isLessThan(range[1]);
      Digest expected = sha256(blob, range[0], range[1]);
      assertThat(info.spanDigests().get(span)).as("digest of span %d", span).isEqualTo(expected);
    }
  }

  private static void verifyTarSpans(CompressionInfo info, byte[] blob) throws IOException {
    List<long[]> spans = TarZinfo.spans(spanSizeOf(info), blob.length);
    assertThat(info.spanDigests()).as("span digest count").hasSize(spans.size());
    for (int span = 0; span < spans.size(); span++) {
      long[] range = spans.get(span);
      Digest expected = sha256(blob, range[0], range[1]);
      assertThat(info.spanDigests().get(span)).as("digest of span %d", span).isEqualTo(expected);
    }
  }

  private static long spanSizeOf(CompressionInfo info) throws IOException {
    return TarZinfo.parse(info.checkpoints()).spanSize();
  }

  private static Digest sha256(byte[] blob, long start, long end) {
    MessageDigest sha256 = Digest.newSha256();
    sha256.update(blob, (int) start, (int) (end - start));
    return Digest.ofSha256(sha256.digest());
  }
}
