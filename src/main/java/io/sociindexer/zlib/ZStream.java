package io.sociindexer.zlib;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.List;

/**
 * A zlib inflate stream ({@code z_stream}) called through {@code java.lang.foreign}.
 *
 * <p>The system zlib is used instead of {@link java.util.zip.Inflater} because soci's zinfo needs
 * three things the JDK class does not expose: stopping at every deflate block end ({@link
 * #Z_BLOCK}), the count of unused bits at that point ({@link #dataType()}), and priming the bit
 * buffer when resuming in the middle of a byte ({@link #prime(int, int)}).
 *
 * <p>The library is loaded by the name {@code libz.so.1}, then {@code z} and {@code libz.so}. The
 * {@code z_stream} layout below is the LP64 Linux one (112 bytes). Callers must run the JVM with
 * {@code --enable-native-access} for the unnamed module or get a warning per restricted call.
 *
 * <p>Input and output are native memory segments that the caller keeps alive while zlib may still
 * point into them; {@link #allocate(long)} allocates them in this stream's arena so that {@link
 * #close()} frees them together with zlib's state. An instance is not thread-safe, but it may be
 * handed from one thread to another because its arena is shared.
 */
public final class ZStream implements AutoCloseable {

  // Return codes, flush values and windowBits as defined in zlib.h.

  public static final int Z_OK = 0;
  public static final int Z_STREAM_END = 1;
  public static final int Z_NEED_DICT = 2;
  public static final int Z_ERRNO = -1;
  public static final int Z_STREAM_ERROR = -2;
  public static final int Z_DATA_ERROR = -3;
  public static final int Z_MEM_ERROR = -4;
  public static final int Z_BUF_ERROR = -5;
  public static final int Z_VERSION_ERROR = -6;

  public static final int Z_NO_FLUSH = 0;
  public static final int Z_SYNC_FLUSH = 2;
  public static final int Z_FINISH = 4;
  public static final int Z_BLOCK = 5;

  /** {@code windowBits} for raw deflate data without a header, 32 KiB window. */
  public static final int RAW_WINDOW_BITS = -15;

  /** {@code windowBits} that accepts a gzip or a zlib header (15 + 32), 32 KiB window. */
  public static final int AUTO_HEADER_WINDOW_BITS = 47;

  private static final long NEXT_IN = 0;
  private static final long AVAIL_IN = 8;
  private static final long NEXT_OUT = 24;
  private static final long AVAIL_OUT = 32;
  private static final long MSG = 48;
  private static final long DATA_TYPE = 88;
  private static final int Z_STREAM_SIZE = 112;

  private final Arena arena;
  private final MemorySegment stream;
  private boolean open;

  private ZStream(Arena arena, MemorySegment stream) {
    this.arena = arena;
    this.stream = stream;
    this.open = true;
  }

  /**
   * Creates an inflate stream with {@code inflateInit2}.
   *
   * @param windowBits {@link #RAW_WINDOW_BITS}, {@link #AUTO_HEADER_WINDOW_BITS} or any value zlib
   *     accepts
   * @throws ZlibException when zlib rejects the parameters or cannot allocate its state
   */
  public static ZStream inflater(int windowBits) throws ZlibException {
    Arena arena = Arena.ofShared();
    MemorySegment stream = arena.allocate(Z_STREAM_SIZE, 16);
    int code;
    try {
      code =
          (int) Native.INFLATE_INIT2.invokeExact(stream, windowBits, Native.VERSION, Z_STREAM_SIZE);
    } catch (Throwable t) {
      arena.close();
      throw Native.rethrow(t);
    }
    if (code != Z_OK) {
      arena.close();
      throw new ZlibException(
          describe("inflateInit2 with windowBits " + windowBits, code, null), code);
    }
    return new ZStream(arena, stream);
  }

  /** Allocates a zeroed native buffer that lives until {@link #close()}. */
  public MemorySegment allocate(long size) {
    return arena.allocate(size, 16);
  }

  /** Points zlib's input at {@code length} bytes of {@code buffer} from {@code offset}. */
  public void setInput(MemorySegment buffer, long offset, int length) {
    stream.set(ValueLayout.ADDRESS, NEXT_IN, buffer.asSlice(offset, length));
    stream.set(ValueLayout.JAVA_INT, AVAIL_IN, length);
  }

  /** Points zlib's output at {@code length} bytes of {@code buffer} from {@code offset}. */
  public void setOutput(MemorySegment buffer, long offset, int length) {
    stream.set(ValueLayout.ADDRESS, NEXT_OUT, buffer.asSlice(offset, length));
    stream.set(ValueLayout.JAVA_INT, AVAIL_OUT, length);
  }

  /** Returns the number of input bytes zlib has not consumed yet ({@code avail_in}). */
  public int availIn() {
    return stream.get(ValueLayout.JAVA_INT, AVAIL_IN);
  }

  /** Returns the output space zlib has not filled yet ({@code avail_out}). */
  public int availOut() {
    return stream.get(ValueLayout.JAVA_INT, AVAIL_OUT);
  }

  /**
   * Returns {@code data_type}: after inflate, bits 0-2 are the unused bits in the last consumed
   * byte, bit 6 (64) is set when the last block of the stream was reached, and bit 7 (128) when
   * inflate stopped at a block boundary or right after the stream header.
   */
  public int dataType() {
    return stream.get(ValueLayout.JAVA_INT, DATA_TYPE);
  }

  /**
   * Runs {@code inflate(strm, flush)}.
   *
   * @return {@link #Z_OK}, {@link #Z_STREAM_END} or {@link #Z_BUF_ERROR} (no progress possible,
   *     which means more input or output space is needed)
   * @throws ZlibException on {@link #Z_NEED_DICT}, {@link #Z_DATA_ERROR}, {@link #Z_MEM_ERROR} or
   *     {@link #Z_STREAM_ERROR}
   */
  public int inflate(int flush) throws ZlibException {
    int code;
    try {
      code = (int) Native.INFLATE.invokeExact(stream, flush);
    } catch (Throwable t) {
      throw Native.rethrow(t);
    }
    if (code == Z_OK || code == Z_STREAM_END || code == Z_BUF_ERROR) {
      return code;
    }
    throw new ZlibException(describe("inflate", code, message()), code);
  }

  /** Runs {@code inflateReset}: starts a new stream with the same {@code windowBits}. */
  public void reset() throws ZlibException {
    int code;
    try {
      code = (int) Native.INFLATE_RESET.invokeExact(stream);
    } catch (Throwable t) {
      throw Native.rethrow(t);
    }
    check("inflateReset", code);
  }

  /** Runs {@code inflateReset2}: starts a new stream with other {@code windowBits}. */
  public void reset(int windowBits) throws ZlibException {
    int code;
    try {
      code = (int) Native.INFLATE_RESET2.invokeExact(stream, windowBits);
    } catch (Throwable t) {
      throw Native.rethrow(t);
    }
    check("inflateReset2", code);
  }

  /** Runs {@code inflatePrime}: inserts the low {@code bits} bits of {@code value} as input. */
  public void prime(int bits, int value) throws ZlibException {
    int code;
    try {
      code = (int) Native.INFLATE_PRIME.invokeExact(stream, bits, value);
    } catch (Throwable t) {
      throw Native.rethrow(t);
    }
    check("inflatePrime", code);
  }

  /** Runs {@code inflateSetDictionary} with all bytes of {@code dictionary}. */
  public void setDictionary(MemorySegment dictionary) throws ZlibException {
    int code;
    try {
      code =
          (int)
              Native.INFLATE_SET_DICTIONARY.invokeExact(
                  stream, dictionary, (int) dictionary.byteSize());
    } catch (Throwable t) {
      throw Native.rethrow(t);
    }
    check("inflateSetDictionary", code);
  }

  /** Runs {@code inflateEnd} and frees the buffers from {@link #allocate(long)}; idempotent. */
  @Override
  public void close() {
    if (!open) {
      return;
    }
    open = false;
    try {
      int ignored = (int) Native.INFLATE_END.invokeExact(stream);
    } catch (Throwable t) {
      throw Native.rethrow(t);
    } finally {
      arena.close();
    }
  }

  /** Returns the zlib version string of the loaded library, for example {@code 1.2.13}. */
  public static String zlibVersion() {
    return Native.VERSION.getString(0);
  }

  private void check(String operation, int code) throws ZlibException {
    if (code != Z_OK) {
      throw new ZlibException(describe(operation, code, message()), code);
    }
  }

  private String message() {
    MemorySegment msg = stream.get(ValueLayout.ADDRESS, MSG);
    if (msg.equals(MemorySegment.NULL)) {
      return null;
    }
    return msg.reinterpret(1024).getString(0);
  }

  private static String describe(String operation, int code, String zlibMessage) {
    String text = operation + " failed with " + codeName(code);
    return zlibMessage == null ? text : text + ": " + zlibMessage;
  }

  /** Returns the C name of a zlib return code, for example {@code Z_DATA_ERROR}. */
  public static String codeName(int code) {
    return switch (code) {
      case Z_OK -> "Z_OK";
      case Z_STREAM_END -> "Z_STREAM_END";
      case Z_NEED_DICT -> "Z_NEED_DICT";
      case Z_ERRNO -> "Z_ERRNO";
      case Z_STREAM_ERROR -> "Z_STREAM_ERROR";
      case Z_DATA_ERROR -> "Z_DATA_ERROR";
      case Z_MEM_ERROR -> "Z_MEM_ERROR";
      case Z_BUF_ERROR -> "Z_BUF_ERROR";
      case Z_VERSION_ERROR -> "Z_VERSION_ERROR";
      default -> "zlib code " + code;
    };
  }

  /** Method handles for the zlib functions, linked once when the class is first used. */
  private static final class Native {

    private static final List<String> LIBRARY_NAMES = List.of("libz.so.1", "z", "libz.so");

    private static final SymbolLookup ZLIB = loadLibrary();
    private static final Linker LINKER = Linker.nativeLinker();

    private static final MethodHandle INFLATE_INIT2 =
        link(
            "inflateInit2_",
            FunctionDescriptor.of(
                ValueLayout.JAVA_INT,
                ValueLayout.ADDRESS,
                ValueLayout.JAVA_INT,
                ValueLayout.ADDRESS,
                ValueLayout.JAVA_INT));
    private static final MethodHandle INFLATE =
        link(
            "inflate",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
    private static final MethodHandle INFLATE_END =
        link("inflateEnd", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
    private static final MethodHandle INFLATE_RESET =
        link("inflateReset", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
    private static final MethodHandle INFLATE_RESET2 =
        link(
            "inflateReset2",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
    private static final MethodHandle INFLATE_PRIME =
        link(
            "inflatePrime",
            FunctionDescriptor.of(
                ValueLayout.JAVA_INT,
                ValueLayout.ADDRESS,
                ValueLayout.JAVA_INT,
                ValueLayout.JAVA_INT));
    private static final MethodHandle INFLATE_SET_DICTIONARY =
        link(
            "inflateSetDictionary",
            FunctionDescriptor.of(
                ValueLayout.JAVA_INT,
                ValueLayout.ADDRESS,
                ValueLayout.ADDRESS,
                ValueLayout.JAVA_INT));

    /** Version string passed to {@code inflateInit2_}, which zlib checks against its own. */
    private static final MemorySegment VERSION = loadVersion();

    private static SymbolLookup loadLibrary() {
      IllegalArgumentException failure = null;
      for (String name : LIBRARY_NAMES) {
        try {
          return SymbolLookup.libraryLookup(name, Arena.global());
        } catch (IllegalArgumentException e) {
          if (failure == null) {
            failure = e;
          } else {
            failure.addSuppressed(e);
          }
        }
      }
      throw new IllegalStateException(
          "zlib not found: tried " + LIBRARY_NAMES + "; install the zlib runtime (libz.so.1)",
          failure);
    }

    private static MethodHandle link(String name, FunctionDescriptor descriptor) {
      MemorySegment symbol =
          ZLIB.find(name)
              .orElseThrow(
                  () ->
                      new IllegalStateException(
                          "zlib has no symbol " + name + "; zlib 1.2.3.4 or later is needed"));
      return LINKER.downcallHandle(symbol, descriptor);
    }

    private static MemorySegment loadVersion() {
      MethodHandle zlibVersion = link("zlibVersion", FunctionDescriptor.of(ValueLayout.ADDRESS));
      try {
        MemorySegment version = (MemorySegment) zlibVersion.invokeExact();
        return version.reinterpret(64);
      } catch (Throwable t) {
        throw rethrow(t);
      }
    }

    private static RuntimeException rethrow(Throwable t) {
      if (t instanceof RuntimeException e) {
        throw e;
      }
      if (t instanceof Error e) {
        throw e;
      }
      throw new IllegalStateException("zlib call failed unexpectedly", t);
    }
  }
}
