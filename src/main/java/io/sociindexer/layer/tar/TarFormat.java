package io.sociindexer.layer.tar;

/**
 * Format of a tar header block, detected from its magic and version fields the way Go's
 * {@code archive/tar} does. It decides which fields Go reads: V7 blocks have no user or group
 * names, device numbers or name prefix, and GNU blocks have no prefix.
 */
public enum TarFormat {
  /** Original Unix format: no magic. */
  V7,
  /** POSIX ustar magic {@code "ustar\0"}; PAX archives use this block format too. */
  USTAR,
  /** GNU magic {@code "ustar "} with version {@code " \0"}. */
  GNU,
  /** Schily star: ustar magic plus the {@code "tar\0"} trailer. */
  STAR
}
