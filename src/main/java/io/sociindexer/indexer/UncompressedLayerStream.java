package io.sociindexer.indexer;

import io.sociindexer.oci.Digest;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * Passes a plain tar blob through while it hashes the whole blob and each fixed-size span, the
 * span layout soci's TarZinfo uses: span {@code i} covers bytes {@code [i*span, (i+1)*span)}.
 * Not thread-safe.
 */
final class UncompressedLayerStream extends FilterInputStream {

  private final long spanSize;
  private final MessageDigest blobDigest = Digest.newSha256();
  private final List<Digest> spanDigests = new ArrayList<>();
  private MessageDigest spanDigest = Digest.newSha256();
  private long position;
  private boolean ended;
  private Digest finalDigest;

  UncompressedLayerStream(InputStream in, long spanSize) {
    super(in);
    this.spanSize = spanSize;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    int n = in.read(buffer, offset, length);
    if (n < 0) {
      finish();
      return -1;
    }
    hash(buffer, offset, n);
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    byte[] scratch = new byte[(int) Math.min(n, 64 * 1024)];
    long skipped = 0;
    while (skipped < n) {
      int read = read(scratch, 0, (int) Math.min(scratch.length, n - skipped));
      if (read < 0) {
        break;
      }
      skipped += read;
    }
    return skipped;
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  /** Reads the rest of the blob so that the digests cover all of it. */
  void drainToEnd() throws IOException {
    byte[] scratch = new byte[256 * 1024];
    while (read(scratch, 0, scratch.length) >= 0) {
      // The bytes only need hashing.
    }
  }

  Digest digest() {
    requireEnded();
    return finalDigest;
  }

  long size() {
    return position;
  }

  List<Digest> spanDigests() {
    requireEnded();
    return List.copyOf(spanDigests);
  }

  private void hash(byte[] buffer, int offset, int length) {
    blobDigest.update(buffer, offset, length);
    int done = 0;
    while (done < length) {
      long inSpan = position % spanSize;
      int take = (int) Math.min(length - done, spanSize - inSpan);
      spanDigest.update(buffer, offset + done, take);
      done += take;
      position += take;
      if (position % spanSize == 0) {
        spanDigests.add(Digest.ofSha256(spanDigest.digest()));
      }
    }
  }

  private void finish() {
    if (ended) {
      return;
    }
    if (position % spanSize != 0) {
      spanDigests.add(Digest.ofSha256(spanDigest.digest()));
    }
    finalDigest = Digest.ofSha256(blobDigest.digest());
    ended = true;
  }

  private void requireEnded() {
    if (!ended) {
      throw new IllegalStateException("the blob has not been read to its end");
    }
  }
}
