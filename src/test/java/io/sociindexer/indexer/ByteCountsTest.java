package io.sociindexer.indexer;

import static org.assertj.core.api.Assertions.assertThat;

import io.sociindexer.oci.Descriptor;
import io.sociindexer.oci.Digest;
import io.sociindexer.oci.MediaType;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ByteCountsTest {

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "0 | 0 bytes",
        "1 | 1 byte",
        "327 | 327 bytes",
        "1023 | 1023 bytes",
        "1024 | 1024 bytes (1 KiB)",
        "1536 | 1536 bytes (1.5 KiB)",
        "10485760 | 10485760 bytes (10 MiB)",
        "10485759 | 10485759 bytes (10 MiB)",
        "1073741824 | 1073741824 bytes (1 GiB)",
        "9223372036854775807 | 9223372036854775807 bytes (8 EiB)",
      })
  void describeAddsBinaryUnit(long bytes, String expected) {
    assertThat(ByteCounts.describe(bytes)).isEqualTo(expected);
  }

  @Test
  void smallLayerReasonNamesUnits() {
    Descriptor layer =
        Descriptor.of(
            MediaType.OCI_LAYER_GZIP, Digest.sha256("x".getBytes(StandardCharsets.UTF_8)), 327);

    String reason = new LayerIndexer(IndexOptions.defaults()).skipReasonFromDescriptor(layer);

    assertThat(reason)
        .isEqualTo(
            "size 327 bytes is below the minimum layer size of 10485760 bytes (10 MiB)");
  }
}
