package io.sociindexer.oci;

import java.util.List;
import java.util.Objects;

/**
 * The platform of an image manifest, as in an OCI index descriptor. Optional fields are empty
 * strings or empty lists when absent, which is how Go's {@code omitempty} treats them.
 */
public record Platform(
    String architecture, String os, String osVersion, List<String> osFeatures, String variant) {

  public Platform {
    Objects.requireNonNull(architecture, "architecture");
    Objects.requireNonNull(os, "os");
    osVersion = osVersion == null ? "" : osVersion;
    osFeatures = osFeatures == null ? List.of() : List.copyOf(osFeatures);
    variant = variant == null ? "" : variant;
  }

  public static Platform of(String os, String architecture) {
    return new Platform(architecture, os, "", List.of(), "");
  }

  /**
   * Parses {@code os/arch[/variant]}, for example {@code linux/arm64/v8}.
   *
   * @throws IllegalArgumentException when the text has fewer than two or more than three parts
   */
  public static Platform parse(String text) {
    String[] parts = text.split("/", -1);
    if (parts.length < 2 || parts.length > 3 || parts[0].isEmpty() || parts[1].isEmpty()) {
      throw new IllegalArgumentException(
          "invalid platform '" + text + "': expected os/architecture[/variant], such as linux/amd64");
    }
    return new Platform(parts[1], parts[0], "", List.of(), parts.length == 3 ? parts[2] : "");
  }

  /** Returns true for the {@code unknown/unknown} platform that BuildKit gives attestations. */
  public boolean isUnknown() {
    return os.equals("unknown") && architecture.equals("unknown");
  }

  /**
   * Returns true when this requested platform selects {@code candidate}: os and architecture must
   * be equal, and the variant too when this one names a variant.
   */
  public boolean matches(Platform candidate) {
    return os.equals(candidate.os)
        && architecture.equals(candidate.architecture)
        && (variant.isEmpty() || variant.equals(candidate.variant));
  }

  @Override
  public String toString() {
    return os + "/" + architecture + (variant.isEmpty() ? "" : "/" + variant);
  }
}
