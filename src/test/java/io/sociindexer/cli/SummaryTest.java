package io.sociindexer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sociindexer.indexer.IndexResult;
import io.sociindexer.indexer.IndexResult.PlatformOutcome;
import io.sociindexer.indexer.LayerOutcome;
import io.sociindexer.oci.Descriptor;
import io.sociindexer.oci.Digest;
import io.sociindexer.oci.MediaType;
import io.sociindexer.oci.Platform;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class SummaryTest {

  private static final Digest SOURCE = Digest.sha256("source".getBytes(StandardCharsets.UTF_8));

  @Test
  void countsUseSingularAndPlural() {
    assertThat(Summary.count(1, "span", "spans")).isEqualTo("1 span");
    assertThat(Summary.count(2, "span", "spans")).isEqualTo("2 spans");
    assertThat(Summary.count(0, "entry", "entries")).isEqualTo("0 entries");
    assertThat(Summary.count(1, "entry", "entries")).isEqualTo("1 entry");
  }

  @Test
  void indexedLayerNamesCounts() {
    Descriptor layer = descriptor(MediaType.OCI_LAYER_GZIP, "layer", 4096);
    Descriptor ztoc = descriptor(MediaType.OCTET_STREAM, "ztoc", 900);
    LayerOutcome outcome =
        new LayerOutcome(
            layer, ztoc, new byte[900], null, 1, 2, 8192, Duration.ofMillis(100), false);
    PlatformOutcome platform =
        new PlatformOutcome(
            Platform.of("linux", "amd64"),
            SOURCE,
            null,
            List.of(outcome),
            descriptor(MediaType.OCI_MANIFEST, "soci", 500),
            descriptor(MediaType.OCI_MANIFEST, "rewritten", 600));
    IndexResult result =
        new IndexResult(
            IndexResult.Status.INDEXED,
            "127.0.0.1:5000/app:1.0",
            SOURCE,
            List.of(platform),
            descriptor(MediaType.OCI_INDEX, "index", 700),
            "1.0-soci",
            Duration.ofSeconds(1));

    String text = print(result);

    assertThat(text).contains("indexed: 1 entry, 2 spans, zTOC " + ztoc.digest() + " (900 bytes)");
    assertThat(text).contains("tagged 1.0-soci");
  }

  @Test
  void reusedLayerSaysReused() {
    Descriptor layer = descriptor(MediaType.OCI_LAYER_GZIP, "layer", 4096);
    Descriptor ztoc = descriptor(MediaType.OCTET_STREAM, "ztoc", 900);
    LayerOutcome outcome =
        new LayerOutcome(layer, ztoc, new byte[900], null, 3, 2, 8192, Duration.ZERO, true);
    PlatformOutcome platform =
        new PlatformOutcome(
            Platform.of("linux", "amd64"),
            SOURCE,
            null,
            List.of(outcome),
            descriptor(MediaType.OCI_MANIFEST, "soci", 500),
            null);
    IndexResult result =
        new IndexResult(
            IndexResult.Status.INDEXED,
            "127.0.0.1:5000/app:1.0",
            SOURCE,
            List.of(platform),
            descriptor(MediaType.OCI_INDEX, "index", 700),
            "1.0-soci",
            Duration.ofSeconds(1));

    String text = print(result);

    assertThat(text)
        .contains("reused the zTOC of an earlier image: 3 entries, 2 spans, zTOC " + ztoc.digest());
    assertThat(text).doesNotContain(" indexed: ");
  }

  @Test
  void alreadySociEnabledStatesReason() {
    IndexResult result =
        new IndexResult(
            IndexResult.Status.ALREADY_SOCI_ENABLED,
            "127.0.0.1:5000/app:1.0",
            SOURCE,
            List.of(),
            null,
            null,
            Duration.ofMillis(20),
            "image index " + SOURCE + " contains the SOCI index sha256:abc");

    String text = print(result);

    assertThat(text)
        .contains(
            "already SOCI-enabled: image index " + SOURCE
                + " contains the SOCI index sha256:abc; nothing was pushed");
  }

  private static Descriptor descriptor(MediaType mediaType, String content, long size) {
    return Descriptor.of(mediaType, Digest.sha256(content.getBytes(StandardCharsets.UTF_8)), size);
  }

  private static String print(IndexResult result) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new Summary(new PrintStream(out, true, StandardCharsets.UTF_8)).print(result);
    return out.toString(StandardCharsets.UTF_8);
  }
}
