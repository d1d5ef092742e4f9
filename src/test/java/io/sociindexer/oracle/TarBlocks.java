package io.sociindexer.oracle;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Hand-made tar header blocks and PAX bodies, for archives that no tool writes: V7 headers,
 * {@code '\0'} type flags, unknown type flags, conflicting PAX and GNU long names.
 */
final class TarBlocks {

  static final int BLOCK = 512;

  private TarBlocks() {}

  /** Returns a ustar header block with a valid checksum. */
  static byte[] ustar(String name, char typeflag, long size) {
    byte[] block = v7(name, typeflag, size);
    put(block, 257, "ustar\0");
    put(block, 263, "00");
    put(block, 265, "user");
    put(block, 297, "group");
    put(block, 329, octal(0, 8));
    put(block, 337, octal(0, 8));
    return withChecksum(block);
  }

  /** Returns a GNU header block (magic {@code "ustar "}, version {@code " \0"}). */
  static byte[] gnu(String name, char typeflag, long size) {
    byte[] block = v7(name, typeflag, size);
    put(block, 257, "ustar ");
    put(block, 263, " \0");
    put(block, 265, "user");
    put(block, 297, "group");
    return withChecksum(block);
  }

  /** Returns a V7 header block: no magic, so Go reads no user names and device numbers. */
  static byte[] v7(String name, char typeflag, long size) {
    byte[] block = new byte[BLOCK];
    put(block, 0, name);
    put(block, 100, octal(0644, 8));
    put(block, 108, octal(1000, 8));
    put(block, 116, octal(1001, 8));
    put(block, 124, octal(size, 12));
    put(block, 136, octal(1_700_000_000L, 12));
    block[156] = (byte) typeflag;
    return withChecksum(block);
  }

  /** Writes raw bytes into a header and recomputes its checksum. */
  static byte[] edit(byte[] block, int offset, byte[] bytes) {
    byte[] copy = block.clone();
    System.arraycopy(bytes, 0, copy, offset, bytes.length);
    return withChecksum(copy);
  }

  static byte[] edit(byte[] block, int offset, String text) {
    return edit(block, offset, text.getBytes(StandardCharsets.ISO_8859_1));
  }

  /** Recomputes the checksum field as an unsigned byte sum. */
  static byte[] withChecksum(byte[] block) {
    Arrays.fill(block, 148, 156, (byte) ' ');
    long sum = 0;
    for (byte b : block) {
      sum += b & 0xff;
    }
    put(block, 148, String.format("%06o", sum) + "\0 ");
    return block;
  }

  /** Recomputes the checksum field as a signed byte sum, as some old tar writers did. */
  static byte[] withSignedChecksum(byte[] block) {
    Arrays.fill(block, 148, 156, (byte) ' ');
    long sum = 0;
    for (byte b : block) {
      sum += b;
    }
    put(block, 148, String.format("%06o", sum) + "\0 ");
    return block;
  }

  static String octal(long value, int width) {
    return String.format("%0" + (width - 1) + "o", value) + "\0";
  }

  /** Returns a PAX extended header ({@code x}) entry: its header block and padded body. */
  static byte[] pax(char typeflag, byte[]... records) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    for (byte[] record : records) {
      body.writeBytes(record);
    }
    byte[] bytes = body.toByteArray();
    return concat(ustar("PaxHeaders/entry", typeflag, bytes.length), padded(bytes));
  }

  /** Returns one {@code "<length> <key>=<value>\n"} PAX record with the correct length. */
  static byte[] record(String key, byte[] value) {
    byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
    int payload = 1 + keyBytes.length + 1 + value.length + 1;
    int length = payload + Integer.toString(payload).length();
    if (Integer.toString(length).length() != Integer.toString(payload).length()) {
      length++;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes((length + " ").getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(keyBytes);
    out.write('=');
    out.writeBytes(value);
    out.write('\n');
    return out.toByteArray();
  }

  static byte[] record(String key, String value) {
    return record(key, value.getBytes(StandardCharsets.UTF_8));
  }

  /** Returns a GNU long-name ({@code L}) or long-link ({@code K}) entry. */
  static byte[] gnuLong(char typeflag, byte[] body) {
    return concat(gnu("././@LongLink", typeflag, body.length), padded(body));
  }

  /** Returns {@code size} data bytes padded with zeros to a whole number of blocks. */
  static byte[] data(int size) {
    byte[] bytes = new byte[size];
    for (int i = 0; i < size; i++) {
      bytes[i] = (byte) ('a' + i % 26);
    }
    return padded(bytes);
  }

  static byte[] padded(byte[] bytes) {
    return Arrays.copyOf(bytes, (bytes.length + BLOCK - 1) / BLOCK * BLOCK);
  }

  /** Returns the two zero blocks that end an archive. */
  static byte[] trailer() {
    return new byte[2 * BLOCK];
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  static void put(byte[] block, int offset, String text) {
    byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
    System.arraycopy(bytes, 0, block, offset, bytes.length);
  }
}
