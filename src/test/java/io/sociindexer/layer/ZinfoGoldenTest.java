package io.sociindexer.layer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sociindexer.oci.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Compares our zinfo blobs with the ones soci-snapshotter's C code produces for the same gzip
 * blobs.
 *
 * <p>The expected blob digests came from {@code generate_zinfo_from_file} and {@code zinfo_to_blob}
 * in {@code ztoc/compression/gzip_zinfo.c} of awslabs/soci-snapshotter at commit
 * 77fb4266a671d3905ca95fbcaac5a556853b7733, compiled against zlib 1.2.13 and run on the inputs
 * these tests build. The gzip inputs come from java.util.zip.Deflater, and another zlib may
 * compress them to different bytes. The tests check the input digest first and are skipped when it
 * differs, because the expected blob belongs to the original input.
 */
class ZinfoGoldenTest {

  @Test
  void plainMemberMatchesSoci() throws IOException {
    byte[] gzip = GzipTestData.member(GzipTestData.content("zinfoGoldenPlain", 1_300_000));

    assertMatchesSoci(
        gzip,
        65536,
        "53ee679d09ac87109bcf0d0ad1b326608c7fd8481eaa9f8b4bb1da636bbc3bf1",
        14,
        "025fcf61adbe395284d58bf15671591a0bc5be788e74ca7df115fac9718ef426");
  }

  @Test
  void fnameHeaderMatchesSoci() throws IOException {
    byte[] content = GzipTestData.content("zinfoGoldenFname", 1_300_000);
    byte[] gzip = GzipTestData.member(content, GzipTestData.FNAME, null, "a.tar", null);

    assertMatchesSoci(
        gzip,
        65536,
        "488326fd641c1bd5f68d2660e318be17b762133548d7efcdbe61d85cea427437",
        14,
        "c123437adf308d8f7eff08e55633e8d16ce666398ca56aa00fa99e5abe07780c");
  }

  /**
   * The fixture is {@code pigz -n -b 64} (pigz 2.6) of the first 150 001 bytes of {@code
   * content("zinfoGoldenPigz", 400_000)} followed by pigz of the rest, so it has two members.
   */
  @Test
  void pigzTwoMembersMatchesSoci() throws IOException {
    byte[] gzip;
    try (InputStream in = getClass().getResourceAsStream("pigz-two-members.gz")) {
      gzip = in.readAllBytes();
    }
    byte[] content = GzipTestData.content("zinfoGoldenPigz", 400_000);

    GzipTestData.Pass pass =
        assertMatchesSoci(
            gzip,
            65536,
            "bccecd898f9c4a1bec9f2a33788fb67c35291efeafa5cafd31fdf34dc1a29fe3",
            5,
            "955a2965bda916ac233e3c2757276006b407249f8615047243a03e5b38ce75c1");

    GzipTestData.assertValidIndex(gzip, content, pass, 65536);
    assertThat(pass.index().checkpoints().get(2).out()).isEqualTo(150_001);
  }

  @Test
  void largeBlobMatchesSoci() throws IOException {
    byte[] gzip = GzipTestData.member(GzipTestData.content("zinfoGoldenLarge", 20 << 20));

    GzipTestData.Pass pass =
        assertMatchesSoci(
            gzip,
            1 << 20,
            "41de969ce9f3143591b384799f67d3bee0f2458edf3e89fa2f7550bf49b5e099",
            20,
            "0a7923e1ff6991d76e53b5054c6272179c7555b1e571af0d26a069428282c4c4");

    assertThat(pass.index().uncompressedSize()).isEqualTo(20 << 20);
  }

  private static GzipTestData.Pass assertMatchesSoci(
      byte[] gzip, long spanSize, String inputSha256, int checkpointCount, String zinfoSha256)
      throws IOException {
    assumeTrue(
        Digest.sha256(gzip).hex().equals(inputSha256),
        "the gzip input differs from the one the expected zinfo was computed on");

    GzipTestData.Pass pass = GzipTestData.run(gzip, spanSize);
    byte[] blob = Zinfo.toBlob(pass.index().checkpoints(), spanSize);

    assertThat(pass.index().checkpoints()).hasSize(checkpointCount);
    assertThat(blob).hasSize(Zinfo.HEADER_SIZE + checkpointCount * Zinfo.CHECKPOINT_SIZE);
    assertThat(Digest.sha256(blob).hex()).isEqualTo(zinfoSha256);
    assertThat(Arrays.equals(Zinfo.toBlob(Zinfo.fromBlob(blob).checkpoints(), spanSize), blob))
        .isTrue();
    return pass;
  }
}
