package io.sociindexer.benchmark;

import io.sociindexer.zlib.ZStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Plain zlib inflate of a gzip stream through the project's zlib binding, as a baseline. */
final class Inflate {

  private static final int CHUNK = 256 * 1024;

  private Inflate() {}

  /**
   * Inflates every gzip member of {@code in} and discards the output.
   *
   * @return the number of uncompressed bytes
   */
  static long stream(InputStream in) throws IOException {
    long total = 0;
    byte[] buffer = new byte[CHUNK];
    try (ZStream zlib = ZStream.inflater(ZStream.AUTO_HEADER_WINDOW_BITS)) {
      MemorySegment input = zlib.allocate(CHUNK);
      MemorySegment output = zlib.allocate(CHUNK);
      int read;
      while ((read = in.read(buffer)) > 0) {
        MemorySegment.copy(buffer, 0, input, ValueLayout.JAVA_BYTE, 0, read);
        zlib.setInput(input, 0, read);
        while (zlib.availIn() > 0) {
          zlib.setOutput(output, 0, CHUNK);
          int status = zlib.inflate(ZStream.Z_NO_FLUSH);
          total += CHUNK - zlib.availOut();
          if (status == ZStream.Z_STREAM_END) {
            // NOTE: a blob with several gzip members would need a reset here; pigz and gzip
            // write one member, which is what the benchmark layers are.
            break;
          }
        }
      }
    }
    return total;
  }
}
