package io.sociindexer.zlib;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;

class ZStreamTest {

  @Test
  void rawInflateRoundTrip() throws ZlibException {
    byte[] text =
        "hello zlib, hello zlib, hello zlib".repeat(100).getBytes(StandardCharsets.US_ASCII);
    byte[] compressed = rawDeflate(text);

    try (ZStream stream = ZStream.inflater(ZStream.RAW_WINDOW_BITS)) {
      MemorySegment input = stream.allocate(compressed.length);
      MemorySegment.copy(compressed, 0, input, ValueLayout.JAVA_BYTE, 0, compressed.length);
      MemorySegment output = stream.allocate(text.length + 10);
      stream.setInput(input, 0, compressed.length);
      stream.setOutput(output, 0, text.length + 10);

      int code = stream.inflate(ZStream.Z_NO_FLUSH);

      assertThat(code).isEqualTo(ZStream.Z_STREAM_END);
      assertThat(stream.availIn()).isZero();
      assertThat(stream.availOut()).isEqualTo(10);
      assertThat(output.asSlice(0, text.length).toArray(ValueLayout.JAVA_BYTE)).isEqualTo(text);
    }
  }

  @Test
  void blockFlushStopsAtBoundary() throws ZlibException {
    byte[] gzipHeader = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 255};
    byte[] body = rawDeflate(new byte[1000]);

    try (ZStream stream = ZStream.inflater(ZStream.AUTO_HEADER_WINDOW_BITS)) {
      MemorySegment input = stream.allocate(gzipHeader.length + body.length);
      MemorySegment.copy(gzipHeader, 0, input, ValueLayout.JAVA_BYTE, 0, gzipHeader.length);
      MemorySegment.copy(body, 0, input, ValueLayout.JAVA_BYTE, gzipHeader.length, body.length);
      MemorySegment output = stream.allocate(2000);
      stream.setInput(input, 0, gzipHeader.length + body.length);
      stream.setOutput(output, 0, 2000);

      stream.inflate(ZStream.Z_BLOCK);

      assertThat(stream.dataType() & 128).isEqualTo(128);
      assertThat(stream.availIn()).isEqualTo(body.length);
      assertThat(stream.availOut()).isEqualTo(2000);
    }
  }

  @Test
  void corruptDataRaises() throws ZlibException {
    try (ZStream stream = ZStream.inflater(ZStream.AUTO_HEADER_WINDOW_BITS)) {
      MemorySegment input = stream.allocate(16);
      input.fill((byte) 0x55);
      stream.setInput(input, 0, 16);
      stream.setOutput(stream.allocate(64), 0, 64);

      assertThatThrownBy(() -> stream.inflate(ZStream.Z_NO_FLUSH))
          .isInstanceOf(ZlibException.class)
          .hasMessageContaining("Z_DATA_ERROR")
          .hasMessageContaining("incorrect header check")
          .extracting(e -> ((ZlibException) e).code())
          .isEqualTo(ZStream.Z_DATA_ERROR);
    }
  }

  @Test
  void invalidWindowBitsRaises() {
    assertThatThrownBy(() -> ZStream.inflater(99))
        .isInstanceOf(ZlibException.class)
        .hasMessageContaining("windowBits 99");
  }

  @Test
  void versionIsReported() {
    assertThat(ZStream.zlibVersion()).matches("\\d+\\.\\d+.*");
  }

  @Test
  void closeIsIdempotent() throws ZlibException {
    ZStream stream = ZStream.inflater(ZStream.RAW_WINDOW_BITS);
    stream.close();
    stream.close();
  }

  private static byte[] rawDeflate(byte[] data) {
    Deflater deflater = new Deflater(6, true);
    deflater.setInput(data);
    deflater.finish();
    byte[] buffer = new byte[data.length + 64];
    int n = deflater.deflate(buffer);
    deflater.end();
    return java.util.Arrays.copyOf(buffer, n);
  }
}
