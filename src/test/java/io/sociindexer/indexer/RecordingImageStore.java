package io.sociindexer.indexer;

import io.sociindexer.oci.Descriptor;
import io.sociindexer.oci.Digest;
import io.sociindexer.oci.MediaType;
import io.sociindexer.oci.Reference;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An {@link ImageStore} that passes every call to another store, records which blobs were
 * opened, and can make chosen blobs slow: their reads return at most 4 KiB and sleep first, and
 * an interrupted sleep is recorded and thrown as {@link InterruptedIOException}.
 */
final class RecordingImageStore implements ImageStore {

  private final ImageStore delegate;
  private final List<Digest> opened = new CopyOnWriteArrayList<>();
  private final List<String> otherRepositories = new CopyOnWriteArrayList<>();
  private final Set<Digest> slow = ConcurrentHashMap.newKeySet();
  private final AtomicInteger interruptedReads = new AtomicInteger();
  private final AtomicInteger openStreams = new AtomicInteger();
  private final long sleepMillis;

  RecordingImageStore(ImageStore delegate, long sleepMillis) {
    this.delegate = delegate;
    this.sleepMillis = sleepMillis;
  }

  void makeSlow(Digest blob) {
    slow.add(blob);
  }

  List<Digest> opened() {
    return List.copyOf(opened);
  }

  long timesOpened(Digest blob) {
    return opened.stream().filter(blob::equals).count();
  }

  /** Returns the repositories that {@link #otherRepository} was called for, in call order. */
  List<String> otherRepositories() {
    return List.copyOf(otherRepositories);
  }

  int interruptedReads() {
    return interruptedReads.get();
  }

  int openStreams() {
    return openStreams.get();
  }

  @Override
  public StoredManifest fetchManifest(String tagOrDigest) throws IOException {
    return delegate.fetchManifest(tagOrDigest);
  }

  @Override
  public Optional<Digest> resolveTag(String tag) throws IOException {
    return delegate.resolveTag(tag);
  }

  @Override
  public InputStream openBlob(Descriptor blob) throws IOException {
    opened.add(blob.digest());
    InputStream in = delegate.openBlob(blob);
    openStreams.incrementAndGet();
    return new FilterInputStream(in) {
      private boolean closed;

      @Override
      public int read(byte[] buffer, int offset, int length) throws IOException {
        if (slow.contains(blob.digest())) {
          pause();
          length = Math.min(length, 4096);
        }
        return super.read(buffer, offset, length);
      }

      @Override
      public void close() throws IOException {
        if (!closed) {
          closed = true;
          openStreams.decrementAndGet();
        }
        super.close();
      }
    };
  }

  @Override
  public void pushBlob(Descriptor blob, byte[] content) throws IOException {
    delegate.pushBlob(blob, content);
  }

  @Override
  public void pushManifest(MediaType mediaType, byte[] bytes, String tag) throws IOException {
    delegate.pushManifest(mediaType, bytes, tag);
  }

  @Override
  public Optional<Reference> repository() {
    return delegate.repository();
  }

  /** Records the call and passes it on. Blobs opened in the other repository are not recorded. */
  @Override
  public Optional<ImageStore> otherRepository(String repository) {
    otherRepositories.add(repository);
    return delegate.otherRepository(repository);
  }

  @Override
  public String describe() {
    return delegate.describe();
  }

  @Override
  public void close() {
    delegate.close();
  }

  private void pause() throws InterruptedIOException {
    try {
      Thread.sleep(sleepMillis);
    } catch (InterruptedException e) {
      interruptedReads.incrementAndGet();
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("slow read was interrupted");
    }
  }
}
