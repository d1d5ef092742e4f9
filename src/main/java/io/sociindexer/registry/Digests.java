package io.sociindexer.registry;

import io.sociindexer.oci.Digest;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Hashing for both digest algorithms that {@link Digest} accepts. */
final class Digests {

  private Digests() {}

  static MessageDigest newHasher(String algorithm) {
    String jdkName = switch (algorithm) {
      case "sha256" -> "SHA-256";
      case "sha512" -> "SHA-512";
      default -> throw new IllegalArgumentException("unsupported digest algorithm '" + algorithm + "'");
    };
    try {
      return MessageDigest.getInstance(jdkName);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no " + jdkName, e);
    }
  }

  static Digest finish(String algorithm, MessageDigest hasher) {
    return new Digest(algorithm, HexFormat.of().formatHex(hasher.digest()));
  }

  /** Returns the digest of {@code bytes} with {@code algorithm}, sha256 or sha512. */
  static Digest of(String algorithm, byte[] bytes) {
    MessageDigest hasher = newHasher(algorithm);
    hasher.update(bytes);
    return finish(algorithm, hasher);
  }
}
