package io.sociindexer.oci;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A content digest in the OCI form {@code algorithm:hex}. Only sha256 and sha512 are accepted
 * because they are the algorithms the OCI image spec registers. Instances are immutable.
 */
public record Digest(String algorithm, String hex) implements Comparable<Digest> {

  private static final Pattern SHA256_HEX = Pattern.compile("[a-f0-9]{64}");
  private static final Pattern SHA512_HEX = Pattern.compile("[a-f0-9]{128}");

  public Digest {
    Objects.requireNonNull(algorithm, "algorithm");
    Objects.requireNonNull(hex, "hex");
    Pattern expected =
        switch (algorithm) {
          case "sha256" -> SHA256_HEX;
          case "sha512" -> SHA512_HEX;
          default -> throw new IllegalArgumentException(
              "unsupported digest algorithm '" + algorithm + "': expected sha256 or sha512");
        };
    if (!expected.matcher(hex).matches()) {
      throw new IllegalArgumentException(
          "invalid " + algorithm + " digest '" + hex + "': expected lowercase hex of length "
              + (algorithm.equals("sha256") ? 64 : 128));
    }
  }

  /** Parses {@code sha256:<64 hex>}; throws {@link IllegalArgumentException} when invalid. */
  public static Digest parse(String text) {
    Objects.requireNonNull(text, "digest");
    int colon = text.indexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException("invalid digest '" + text + "': expected algorithm:hex");
    }
    return new Digest(text.substring(0, colon), text.substring(colon + 1));
  }

  /** Returns the sha256 digest of {@code bytes}. */
  public static Digest sha256(byte[] bytes) {
    return ofSha256(newSha256().digest(bytes));
  }

  /** Wraps a finished 32-byte sha256 hash. */
  public static Digest ofSha256(byte[] hash) {
    if (hash.length != 32) {
      throw new IllegalArgumentException("sha256 hash must be 32 bytes, got " + hash.length);
    }
    return new Digest("sha256", HexFormat.of().formatHex(hash));
  }

  /** Creates a sha256 {@link MessageDigest}; the JDK implementation uses CPU intrinsics. */
  public static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  /** Returns {@code sha256-<hex>}, the form used by the referrers tag schema. */
  public String toTagForm() {
    return algorithm + "-" + hex;
  }

  /** Returns a short form for logs and summaries: the algorithm and the first 12 hex digits. */
  public String shortForm() {
    return algorithm + ":" + hex.substring(0, 12);
  }

  @Override
  public String toString() {
    return algorithm + ":" + hex;
  }

  @Override
  public int compareTo(Digest other) {
    return toString().compareTo(other.toString());
  }
}
