package io.sociindexer.indexer;

import static io.sociindexer.indexer.LayerFixtures.concat;
import static io.sociindexer.indexer.LayerFixtures.file;
import static io.sociindexer.indexer.LayerFixtures.gzip;
import static io.sociindexer.indexer.LayerFixtures.header;
import static io.sociindexer.indexer.LayerFixtures.zeros;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.management.ThreadMXBean;
import io.sociindexer.layer.LayerLimitException;
import io.sociindexer.layer.LayerLimits;
import io.sociindexer.layer.tar.TarFormatException;
import io.sociindexer.layer.tar.UnsafeTarEntryException;
import io.sociindexer.oci.Descriptor;
import io.sociindexer.oci.Digest;
import io.sociindexer.oci.MediaType;
import io.sociindexer.testing.ManyEntriesTar;
import io.sociindexer.zlib.ZlibException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bad layer blobs fed straight into {@link LayerIndexer}: each must fail with a {@link
 * LayerIndexingException} that names the layer digest and the cause, or be skipped with a reason,
 * and never read or allocate without bound.
 */
class LayerIndexerBadInputTest {

  private static final MediaType GZIP = MediaType.of("application/vnd.oci.image.layer.v1.tar+gzip");
  private static final MediaType TAR = MediaType.of("application/vnd.oci.image.layer.v1.tar");
  private static final IndexOptions OPTIONS =
      IndexOptions.defaults().withSpanSize(64 * 1024).withMinLayerSize(0);

  private static byte[] goodTar() {
    return concat(
        file("app/data.bin", LayerFixtures.mixed("bad-input", 200 * 1024)),
        file("app/notes.txt", "notes\n".getBytes(StandardCharsets.UTF_8)),
        zeros(1024));
  }

  // Corrupt gzip.

  @ParameterizedTest
  @CsvSource({
    "method, 2, 7, unknown compression method",
    "flags, 3, 0xe0, unknown header flags",
  })
  void gzipBadHeaderFails(String field, int offset, String value, String cause) {
    byte[] blob = gzip(goodTar());
    blob[offset] = (byte) Integer.decode(value).intValue();

    assertFailure(GZIP, blob, cause).hasCauseInstanceOf(ZlibException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"gzip", "tar"})
  void unrecognizableBytesFail(String format) {
    MediaType type = format.equals("gzip") ? GZIP : TAR;
    byte[] blob = format.equals("gzip") ? gzip(goodTar()) : goodTar();
    // Break the gzip magic, the ustar magic and the tar checksum field, so no format matches.
    blob[1] = 0x00;
    Arrays.fill(blob, 257, 262, (byte) 'x');
    Arrays.fill(blob, 148, 156, (byte) 'x');

    assertFailure(type, blob, "declares " + (format.equals("gzip") ? "gzip" : "an uncompressed tar"))
        .hasMessageContaining("neither the gzip magic 1f8b nor a tar header");
  }

  @Test
  void gzipBadDeflateDataFails() {
    byte[] blob = gzip(goodTar());
    Arrays.fill(blob, blob.length / 2, blob.length / 2 + 64, (byte) 0xff);

    assertFailure(GZIP, blob, "invalid gzip data near compressed offset");
  }

  @ParameterizedTest
  @CsvSource({"8, incorrect data check", "4, incorrect length check"})
  void gzipBadTrailerFails(int fromEnd, String cause) {
    byte[] blob = gzip(goodTar());
    blob[blob.length - fromEnd] ^= 0x01;

    assertFailure(GZIP, blob, cause);
  }

  // Truncated, oversized and mismatched blobs.

  @Test
  void truncatedGzipFails() {
    byte[] full = gzip(goodTar());
    byte[] blob = Arrays.copyOf(full, full.length / 2);

    assertFailure(GZIP, descriptor(GZIP, blob), blob, "truncated gzip blob");
  }

  @Test
  void truncatedTarFails() {
    byte[] full = goodTar();
    byte[] blob = Arrays.copyOf(full, 100 * 1024);

    assertFailure(TAR, descriptor(TAR, blob), blob, "truncated tar archive");
  }

  @ParameterizedTest
  @ValueSource(strings = {"gzip", "tar"})
  void digestMismatchFails(String format) {
    MediaType type = format.equals("gzip") ? GZIP : TAR;
    byte[] blob = format.equals("gzip") ? gzip(goodTar()) : goodTar();
    Descriptor layer = descriptor(type, blob);
    byte[] changed = blob.clone();
    // Byte 4 is the gzip header's modification time, and byte 1000 lies inside a file's data,
    // so both blobs stay readable and only the digest differs.
    changed[format.equals("gzip") ? 4 : 1000] ^= 0x01;

    assertFailure(type, layer, changed, "digest")
        .hasMessageContaining(Digest.sha256(changed).toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"gzip", "tar"})
  void descriptorSizeTooSmallFails(String format) {
    MediaType type = format.equals("gzip") ? GZIP : TAR;
    byte[] blob = format.equals("gzip") ? gzip(goodTar()) : goodTar();
    Descriptor honest = descriptor(type, blob);
    Descriptor layer = Descriptor.of(type, honest.digest(), blob.length - 100);

    assertFailure(type, layer, blob, "larger than its descriptor size of " + (blob.length - 100));
  }

  @ParameterizedTest
  @ValueSource(strings = {"gzip", "tar"})
  void descriptorSizeTooLargeFails(String format) {
    MediaType type = format.equals("gzip") ? GZIP : TAR;
    byte[] blob = format.equals("gzip") ? gzip(goodTar()) : goodTar();
    Descriptor honest = descriptor(type, blob);
    Descriptor layer = Descriptor.of(type, honest.digest(), blob.length + 100);

    assertFailure(type, layer, blob, "the blob has " + blob.length + " bytes")
        .hasMessageContaining("descriptor size is " + (blob.length + 100));
  }

  @Test
  void endlessBlobStopsAtDeclaredSize() {
    byte[] blob = goodTar();
    Descriptor layer = descriptor(TAR, blob);
    InputStream endless =
        new java.io.SequenceInputStream(
            new ByteArrayInputStream(blob), InputStream.nullInputStream()) {
          private long served;

          @Override
          public int read(byte[] buffer, int offset, int length) throws IOException {
            if (served < blob.length) {
              int n = super.read(buffer, offset, (int) Math.min(length, blob.length - served));
              served += n;
              return n;
            }
            Arrays.fill(buffer, offset, offset + length, (byte) 0);
            served += length;
            return length;
          }
        };

    assertThatThrownBy(() -> new LayerIndexer(OPTIONS).index(layer, endless))
        .isInstanceOf(LayerIndexingException.class)
        .hasMessageContaining(layer.digest().toString())
        .hasMessageContaining("larger than its descriptor size of " + blob.length);
  }

  // Blobs that are not tars.

  @Test
  void gzipOfNonTarFails() {
    byte[] text = "this is a log file, not a tar archive\n".repeat(100).getBytes(StandardCharsets.UTF_8);

    assertFailure(GZIP, gzip(text), "invalid tar header").hasCauseInstanceOf(TarFormatException.class);
  }

  // Entries that point outside the layer root.

  @ParameterizedTest
  @CsvSource({
    "../x, climbs out",
    "a/../../x, climbs out",
    "./.., climbs out",
    "/etc/passwd, absolute path",
  })
  void escapingNameFails(String name, String cause) {
    byte[] tar = concat(goodTar(0), file(name, "x".getBytes(StandardCharsets.UTF_8)), zeros(1024));

    assertFailure(GZIP, gzip(tar), "unsafe tar entry \"" + name + "\"")
        .hasMessageContaining(cause)
        .hasCauseInstanceOf(UnsafeTarEntryException.class);
  }

  @Test
  void escapingHardLinkFails() {
    byte[] tar = concat(header("app/shadow", '1', 0, "../../etc/shadow"), zeros(1024));

    assertFailure(GZIP, gzip(tar), "unsafe tar entry \"app/shadow\"")
        .hasMessageContaining("hard link to \"../../etc/shadow\"");
  }

  @Test
  void insideNamesAndSymlinksIndexed() throws Exception {
    byte[] tar =
        concat(
            file("./a/../b", "b".getBytes(StandardCharsets.UTF_8)),
            header("a/..", '5', 0, ""),
            header("app/link", '2', 0, "../../etc/hosts"),
            header("app/absolute", '2', 0, "/etc/hosts"),
            zeros(1024));

    LayerOutcome outcome = index(GZIP, gzip(tar));

    assertThat(outcome.indexed()).isTrue();
    assertThat(outcome.entries()).isEqualTo(4);
  }

  // Oversized PAX and GNU long-name bodies.

  @ParameterizedTest
  @ValueSource(chars = {'x', 'L'})
  void hugeExtendedHeaderFailsWithoutAllocating(char typeflag) throws Exception {
    long declared = 300L << 20;
    byte[] head = concat(header("././@Huge", typeflag, declared, ""), zeros(512));
    ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
    Descriptor layer = Descriptor.of(TAR, Digest.sha256(head), head.length);

    long before = threads.getCurrentThreadAllocatedBytes();
    assertThatThrownBy(() -> new LayerIndexer(OPTIONS).index(layer, new ByteArrayInputStream(head)))
        .isInstanceOf(LayerIndexingException.class)
        .hasMessageContaining(layer.digest().toString())
        .hasMessageContaining("extended header body of " + declared + " bytes exceeds");
    long allocated = threads.getCurrentThreadAllocatedBytes() - before;

    assertThat(allocated).as("bytes allocated").isLessThan(16L << 20);
  }

  // Gzip bombs.

  @Test
  void gzipBombStopsAtSizeLimit() throws Exception {
    byte[] bomb = zeroFileLayer(64L << 20);
    IndexOptions options =
        OPTIONS.withLayerLimits(LayerLimits.defaults().withMaxUncompressedSize(16L << 20));

    assertThatThrownBy(() -> index(options, GZIP, bomb))
        .isInstanceOf(LayerIndexingException.class)
        .hasMessageContaining(descriptor(GZIP, bomb).digest().toString())
        .hasMessageContaining("more than the maximum of " + (16L << 20) + " bytes")
        .hasCauseInstanceOf(LayerLimitException.class);
  }

  @Test
  void gzipBombStopsAtRatioLimit() throws Exception {
    byte[] bomb = zeroFileLayer(64L << 20);
    IndexOptions options =
        OPTIONS.withLayerLimits(LayerLimits.defaults().withRatioCheckAbove(8L << 20));

    assertThatThrownBy(() -> index(options, GZIP, bomb))
        .isInstanceOf(LayerIndexingException.class)
        .hasMessageContaining("gzip bomb")
        .hasMessageContaining("maximum of 100");
  }

  @Test
  void zeroFileBelowRatioThresholdIndexed() throws Exception {
    byte[] layer = zeroFileLayer(64L << 20);

    LayerOutcome outcome = index(OPTIONS, GZIP, layer);

    assertThat(outcome.indexed()).isTrue();
    assertThat(outcome.uncompressedSize()).isGreaterThan(64L << 20);
  }

  // Many tiny entries.

  @Test
  void entryLimitFails() throws Exception {
    int count = 10_000;
    byte[] tar = new ManyEntriesTar(count).readAllBytes();
    IndexOptions options =
        OPTIONS.withLayerLimits(LayerLimits.defaults().withMaxEntries(count - 1));

    assertThatThrownBy(() -> index(options, TAR, tar))
        .isInstanceOf(LayerIndexingException.class)
        .hasMessageContaining(descriptor(TAR, tar).digest().toString())
        .hasMessageContaining("more than the maximum of " + (count - 1) + " entries");
    assertThat(index(OPTIONS, TAR, tar).entries()).isEqualTo(count);
  }

  @Test
  void longNamesStopAtZtocSizeLimit() throws Exception {
    byte[] tar = new byte[0];
    for (int i = 0; i < 8; i++) {
      String name = "dir/" + "n".repeat(100_000) + i;
      byte[] pax = paxBody("path", name);
      tar = concat(tar, header("PaxHeaders/" + i, 'x', pax.length, ""), pax,
          zeros(LayerFixtures.padding(pax.length)), header("short" + i, '0', 0, ""));
    }
    byte[] blob = gzip(concat(tar, zeros(1024)));
    IndexOptions options =
        OPTIONS.withLayerLimits(LayerLimits.defaults().withMaxZtocSize(500_000));

    assertThatThrownBy(() -> index(options, GZIP, blob))
        .isInstanceOf(LayerIndexingException.class)
        .hasMessageContaining(descriptor(GZIP, blob).digest().toString())
        .hasMessageContaining("larger than the maximum of 500000 bytes (max-ztoc-size)");
    assertThat(index(OPTIONS, GZIP, blob).entries()).isEqualTo(8);
  }

  // Helpers.

  /** Returns a PAX extended header body with one record. */
  private static byte[] paxBody(String key, String value) {
    String record = " " + key + "=" + value + "\n";
    int length = record.length();
    while (String.valueOf(length).length() + record.length() != length) {
      length = String.valueOf(length).length() + record.length();
    }
    return (length + record).getBytes(StandardCharsets.UTF_8);
  }

  /** Returns a tar of {@code files} small files without the end marker. */
  private static byte[] goodTar(int files) {
    byte[] tar = new byte[0];
    for (int i = 0; i < files; i++) {
      tar = concat(tar, file("app/f" + i, new byte[] {(byte) i}));
    }
    return tar;
  }

  /** Returns a gzip tar with one file of {@code size} zero bytes. */
  private static byte[] zeroFileLayer(long size) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(out, 64 * 1024)) {
      gzip.write(header("zeros.img", '0', size, ""));
      byte[] chunk = new byte[1 << 20];
      for (long written = 0; written < size; written += chunk.length) {
        gzip.write(chunk, 0, (int) Math.min(chunk.length, size - written));
      }
      gzip.write(zeros(LayerFixtures.padding(size) + 1024));
    }
    return out.toByteArray();
  }

  private static Descriptor descriptor(MediaType type, byte[] blob) {
    return Descriptor.of(type, Digest.sha256(blob), blob.length);
  }

  private static LayerOutcome index(MediaType type, byte[] blob) throws IOException {
    return index(OPTIONS, type, blob);
  }

  private static LayerOutcome index(IndexOptions options, MediaType type, byte[] blob)
      throws IOException {
    return new LayerIndexer(options).index(descriptor(type, blob), new ByteArrayInputStream(blob));
  }

  private static org.assertj.core.api.AbstractThrowableAssert<?, ? extends Throwable> assertFailure(
      MediaType type, byte[] blob, String cause) {
    return assertFailure(type, descriptor(type, blob), blob, cause);
  }

  private static org.assertj.core.api.AbstractThrowableAssert<?, ? extends Throwable> assertFailure(
      MediaType type, Descriptor layer, byte[] blob, String cause) {
    return assertThatThrownBy(
            () -> new LayerIndexer(OPTIONS).index(layer, new ByteArrayInputStream(blob)))
        .isInstanceOf(LayerIndexingException.class)
        .hasMessageContaining(layer.digest().toString())
        .hasMessageContaining(cause);
  }
}
