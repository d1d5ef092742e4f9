package io.sociindexer.oci.layout;

import io.sociindexer.oci.Descriptor;
import io.sociindexer.oci.Digest;
import io.sociindexer.oci.ImageIndex;
import io.sociindexer.oci.MediaType;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;

/**
 * An OCI image layout directory: an {@code oci-layout} file with
 * {@code {"imageLayoutVersion":"1.0.0"}}, an {@code index.json} image index, and content-addressed
 * blobs under {@code blobs/<algorithm>/<hex>}. Tags are the
 * {@code org.opencontainers.image.ref.name} annotations of the {@code index.json} entries.
 *
 * <p>Blob writes go to a temporary file in the target directory and are moved into place, so a
 * reader never sees a partial blob. {@code index.json} is rewritten the same way, as Go JSON.
 * Instances are not safe for concurrent tag updates from several threads or processes.
 */
public final class OciLayout {

  public static final String REF_NAME_ANNOTATION = "org.opencontainers.image.ref.name";

  /**
   * Maximum size of a manifest or index read into memory: 4 MiB, the limit the registry client
   * applies too, so an image is accepted or rejected alike from either store.
   */
  public static final long MAX_MANIFEST_BYTES = 4L * 1024 * 1024;

  private static final String LAYOUT_FILE = "oci-layout";
  private static final String INDEX_FILE = "index.json";
  private static final String LAYOUT_CONTENT = "{\"imageLayoutVersion\":\"1.0.0\"}";

  private final Path root;

  private OciLayout(Path root) {
    this.root = root;
  }

  /**
   * Opens an existing layout.
   *
   * @throws IOException when {@code oci-layout} or {@code index.json} is missing or unreadable
   * @throws IllegalArgumentException when {@code oci-layout} does not declare version 1.0.0
   */
  public static OciLayout open(Path root) throws IOException {
    Path layoutFile = root.resolve(LAYOUT_FILE);
    if (!Files.isRegularFile(layoutFile)) {
      throw new NoSuchFileException(
          layoutFile.toString(), null, "not an OCI image layout: the oci-layout file is missing");
    }
    String content = Files.readString(layoutFile, StandardCharsets.UTF_8);
    if (!content.replaceAll("\\s", "").contains("\"imageLayoutVersion\":\"1.0.0\"")) {
      throw new IllegalArgumentException(
          "unsupported OCI image layout in " + root + ": expected imageLayoutVersion 1.0.0, got "
              + content.strip());
    }
    if (!Files.isRegularFile(root.resolve(INDEX_FILE))) {
      throw new NoSuchFileException(
          root.resolve(INDEX_FILE).toString(), null, "OCI image layout has no index.json");
    }
    return new OciLayout(root);
  }

  /** Opens the layout at {@code root}, creating the directory, oci-layout and an empty index. */
  public static OciLayout create(Path root) throws IOException {
    Files.createDirectories(root.resolve("blobs"));
    if (!Files.exists(root.resolve(LAYOUT_FILE))) {
      writeAtomically(root.resolve(LAYOUT_FILE), LAYOUT_CONTENT.getBytes(StandardCharsets.UTF_8));
    }
    if (!Files.exists(root.resolve(INDEX_FILE))) {
      ImageIndex empty = ImageIndex.of(MediaType.OCI_INDEX, List.of(), null);
      writeAtomically(root.resolve(INDEX_FILE), empty.raw());
    }
    return open(root);
  }

  public Path root() {
    return root;
  }

  /** Reads and parses {@code index.json}. */
  public ImageIndex index() throws IOException {
    return ImageIndex.parse(Files.readAllBytes(root.resolve(INDEX_FILE)));
  }

  /** Returns the tags of the {@code index.json} entries in file order. */
  public List<String> tags() throws IOException {
    List<String> tags = new ArrayList<>();
    for (Descriptor descriptor : index().manifests()) {
      String tag = descriptor.annotation(REF_NAME_ANNOTATION);
      if (tag != null) {
        tags.add(tag);
      }
    }
    return tags;
  }

  /**
   * Returns the {@code index.json} entry of {@code tag}, or of the only entry when {@code tag}
   * is null.
   *
   * @throws IllegalArgumentException when the tag is unknown, or when {@code tag} is null and
   *     the index has zero or several entries. The message lists the tags present.
   */
  public Descriptor resolve(String tag) throws IOException {
    List<Descriptor> entries = index().manifests();
    if (tag == null) {
      if (entries.size() == 1) {
        return entries.getFirst();
      }
      throw new IllegalArgumentException(
          "OCI layout " + root + " has " + entries.size() + " entries with tags " + tags()
              + ": name the tag to use");
    }
    for (Descriptor descriptor : entries) {
      if (tag.equals(descriptor.annotation(REF_NAME_ANNOTATION))) {
        return descriptor;
      }
    }
    throw new IllegalArgumentException(
        "tag '" + tag + "' not found in OCI layout " + root + ": available tags are " + tags());
  }

  /** Returns the path of a blob, whether or not it exists. */
  public Path blobPath(Digest digest) {
    return root.resolve("blobs").resolve(digest.algorithm()).resolve(digest.hex());
  }

  /** Returns true when the blob file exists. */
  public boolean hasBlob(Digest digest) {
    return Files.isRegularFile(blobPath(digest));
  }

  /**
   * Returns the size of a blob in bytes.
   *
   * @throws BlobNotFoundException when the layout has no such blob
   */
  public long blobSize(Digest digest) throws IOException {
    try {
      return Files.size(blobPath(digest));
    } catch (NoSuchFileException e) {
      throw new BlobNotFoundException(root, digest, e);
    }
  }

  /**
   * Opens a blob for reading without verifying it. The caller closes the stream.
   *
   * @throws BlobNotFoundException when the layout has no such blob
   */
  public InputStream openBlob(Digest digest) throws IOException {
    try {
      return Files.newInputStream(blobPath(digest));
    } catch (NoSuchFileException e) {
      throw new BlobNotFoundException(root, digest, e);
    }
  }

  /**
   * Reads the manifest or index that {@code descriptor} names and verifies its size and digest.
   *
   * @throws IOException when the blob is missing, larger than {@link #MAX_MANIFEST_BYTES}, or
   *     its size or digest differs from the descriptor
   */
  public byte[] readManifest(Descriptor descriptor) throws IOException {
    Path path = blobPath(descriptor.digest());
    long size = blobSize(descriptor.digest());
    if (size > MAX_MANIFEST_BYTES) {
      throw new IOException(
          "manifest " + descriptor.digest() + " in " + root + " is " + size
              + " bytes, more than the maximum of " + MAX_MANIFEST_BYTES + " bytes for a manifest");
    }
    byte[] bytes = Files.readAllBytes(path);
    if (bytes.length != descriptor.size()) {
      throw new IOException(
          "manifest " + descriptor.digest() + " in " + root + " is " + bytes.length
              + " bytes but its descriptor declares " + descriptor.size());
    }
    Digest actual = sha(descriptor.digest().algorithm(), bytes);
    if (!actual.equals(descriptor.digest())) {
      throw new IOException(
          "digest mismatch for blob " + path + ": expected " + descriptor.digest() + ", got "
              + actual);
    }
    return bytes;
  }

  /** Writes {@code content} as a sha256 blob unless it exists, and returns its digest. */
  public Digest writeBlob(byte[] content) throws IOException {
    Digest digest = Digest.sha256(content);
    Path path = blobPath(digest);
    if (!Files.exists(path)) {
      writeAtomically(path, content);
    }
    return digest;
  }

  /**
   * Streams a blob into the layout, verifying it against {@code expected} before it becomes
   * visible. Skips the copy when the blob already exists.
   *
   * @throws IOException when the stream fails or its sha256 digest differs from {@code expected}
   */
  public void writeBlob(Digest expected, InputStream content) throws IOException {
    Objects.requireNonNull(expected, "expected");
    if (!expected.algorithm().equals("sha256")) {
      throw new IllegalArgumentException(
          "only sha256 blobs can be streamed into the layout, got " + expected);
    }
    Path path = blobPath(expected);
    if (Files.exists(path)) {
      return;
    }

    Files.createDirectories(path.getParent());
    Path temp = newTempFile(path.getParent());
    try {
      MessageDigest sha256 = Digest.newSha256();
      try (OutputStream out = new DigestOutputStream(Files.newOutputStream(temp), sha256)) {
        content.transferTo(out);
      }
      Digest actual = Digest.ofSha256(sha256.digest());
      if (!actual.equals(expected)) {
        throw new IOException(
            "digest mismatch while writing blob: expected " + expected + ", got " + actual);
      }
      moveIntoPlace(temp, path);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /**
   * Adds {@code descriptor} to {@code index.json} under {@code tag}, replacing any entry that
   * has the same tag and keeping all other entries in order.
   */
  public void tag(String tag, Descriptor descriptor) throws IOException {
    Objects.requireNonNull(tag, "tag");
    ImageIndex index = index();

    List<Descriptor> entries = new ArrayList<>();
    for (Descriptor entry : index.manifests()) {
      if (!tag.equals(entry.annotation(REF_NAME_ANNOTATION))) {
        entries.add(entry);
      }
    }
    Map<String, String> annotations = new TreeMap<>(descriptor.annotations());
    annotations.put(REF_NAME_ANNOTATION, tag);
    entries.add(descriptor.withAnnotations(annotations));

    ImageIndex updated = index.withManifests(entries);
    if (updated.mediaType() == null) {
      updated = updated.withMediaType(MediaType.OCI_INDEX);
    }
    writeAtomically(root.resolve(INDEX_FILE), updated.raw());
  }

  private static Digest sha(String algorithm, byte[] bytes) throws IOException {
    if (algorithm.equals("sha256")) {
      return Digest.sha256(bytes);
    }
    try {
      MessageDigest sha512 = MessageDigest.getInstance("SHA-512");
      return new Digest("sha512", HexFormat.of().formatHex(sha512.digest(bytes)));
    } catch (NoSuchAlgorithmException e) {
      throw new IOException("the JDK has no SHA-512", e);
    }
  }

  private static void writeAtomically(Path target, byte[] content) throws IOException {
    Files.createDirectories(target.getParent());
    Path temp = newTempFile(target.getParent());
    try {
      Files.write(temp, content);
      moveIntoPlace(temp, target);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /**
   * Creates an empty temporary file in {@code directory}. Unlike {@link Files#createTempFile},
   * which makes files readable by the owner only, the file gets the process's default permissions
   * (the umask), like the blobs other tools write into a layout.
   */
  private static Path newTempFile(Path directory) throws IOException {
    return Files.createFile(directory.resolve(".tmp-" + UUID.randomUUID() + ".part"));
  }

  private static void moveIntoPlace(Path temp, Path target) throws IOException {
    try {
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /**
   * A blob that the layout's {@code blobs} directory lacks. The message names the digest and the
   * layout rather than the file path, because the path alone does not say which blob is missing.
   */
  public static final class BlobNotFoundException extends NoSuchFileException {

    private final Digest digest;

    BlobNotFoundException(Path root, Digest digest, NoSuchFileException cause) {
      super(cause.getFile(), null, "blob " + digest + " not found in OCI layout " + root);
      this.digest = digest;
      initCause(cause);
    }

    /** Returns the digest of the missing blob. */
    public Digest digest() {
      return digest;
    }

    @Override
    public String getMessage() {
      return getReason();
    }
  }
}
