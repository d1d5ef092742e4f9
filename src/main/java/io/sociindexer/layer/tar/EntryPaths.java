package io.sociindexer.layer.tar;

/**
 * Rejects tar entries whose name, or hard link target, points outside the layer root.
 *
 * <p>Go's {@code archive/tar} and soci's zTOC builder record such names unchanged. At run time
 * soci-snapshotter cleans every name against the root ({@code filepath.Clean("/" + name)} in its
 * {@code metadata/reader.go}), so {@code ../x} and {@code /etc/passwd} silently show up as
 * {@code x} and {@code etc/passwd}: the lazily loaded file system then differs from what the
 * layer's tar lists. Docker's own layer extractor (moby {@code pkg/archive}, {@code UnpackLayer})
 * rejects names that climb out with {@code ..} as a breakout. Common image builders write names
 * relative to the root, so a layer with such names is most likely crafted or broken. This indexer
 * fails it with an error that names the entry instead of publishing a zTOC for it.
 *
 * <p>NOTE: Docker's extractor joins absolute names below the root, so rejecting {@code
 * /etc/passwd} is stricter than Docker, and an image built with such names gets no SOCI index.
 */
public final class EntryPaths {

  private EntryPaths() {}

  /**
   * Checks the name of {@code header}, and its link name when it is a hard link. Symbolic link
   * targets are not checked, because absolute and {@code ..} targets are normal there and are
   * resolved inside the container's root.
   *
   * @throws UnsafeTarEntryException when a checked path is absolute or climbs above the root
   */
  public static void check(TarHeader header) throws UnsafeTarEntryException {
    String reason = escapeReason(header.name());
    if (reason != null) {
      throw new UnsafeTarEntryException(header, "its name " + reason);
    }
    if (header.typeflag() == '1') {
      reason = escapeReason(header.linkname());
      if (reason != null) {
        throw new UnsafeTarEntryException(
            header,
            "it is a hard link to \"" + header.linknameText() + "\", and that target " + reason);
      }
    }
  }

  /**
   * Returns why {@code path} points outside the root, or null when it stays inside: an absolute
   * path, or one whose {@code ..} components climb above the first directory level.
   */
  static String escapeReason(byte[] path) {
    if (path.length > 0 && path[0] == '/') {
      return "is an absolute path";
    }
    int depth = 0;
    int start = 0;
    for (int i = 0; i <= path.length; i++) {
      if (i < path.length && path[i] != '/') {
        continue;
      }
      int length = i - start;
      boolean parent = length == 2 && path[start] == '.' && path[start + 1] == '.';
      boolean current = length == 0 || length == 1 && path[start] == '.';
      if (parent) {
        depth--;
        if (depth < 0) {
          return "climbs out of the layer root with \"..\"";
        }
      } else if (!current) {
        depth++;
      }
      start = i + 1;
    }
    return null;
  }
}
