package io.sociindexer.webhook;

import io.sociindexer.config.SociIndexerProperties;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The rules every webhook source applies to a pushed tag before it becomes a job: untagged pushes
 * only when enabled, never the service's own suffixed output tags, and never the tags that tools
 * attach to another image (cosign's {@code sha256-<hex>.sig}, {@code .att}, {@code .sbom}, and
 * the {@code sha256-<hex>} tag of the OCI referrers tag schema).
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class PushPolicy {

  /** A tag that names another manifest by digest: a signature, attestation, SBOM or referrers. */
  private static final Pattern ATTACHED_ARTIFACT_TAG = Pattern.compile("sha256-[0-9a-f]{64}(\\..+)?");

  private final String tagSuffix;
  private final boolean inPlace;
  private final boolean indexUntaggedPushes;

  /**
   * @param tagSuffix suffix of the service's output tags; pushed tags ending with it are ignored
   *     unless {@code inPlace} is true
   * @param inPlace whether the service moves the pushed tag itself instead of adding a suffix
   * @param indexUntaggedPushes whether pushes by digest without a tag start jobs
   */
  public PushPolicy(String tagSuffix, boolean inPlace, boolean indexUntaggedPushes) {
    this.tagSuffix = Objects.requireNonNull(tagSuffix, "tagSuffix");
    this.inPlace = inPlace;
    this.indexUntaggedPushes = indexUntaggedPushes;
  }

  public static PushPolicy from(SociIndexerProperties properties) {
    return new PushPolicy(
        properties.getTagSuffix(), properties.isInPlace(), properties.isIndexUntaggedPushes());
  }

  /**
   * Returns why a push of {@code tag} starts no job, or null when it should start one.
   *
   * @param tag the pushed tag, or null for a push by digest
   */
  public String ignoreReason(String tag) {
    if (tag == null || tag.isBlank()) {
      return indexUntaggedPushes
          ? null
          : "untagged push: set soci-indexer.index-untagged-pushes=true to index pushes by digest";
    }
    if (!inPlace && !tagSuffix.isEmpty() && tag.endsWith(tagSuffix)) {
      return "output of soci-indexer: tag " + tag + " ends with " + tagSuffix;
    }
    if (isAttachedArtifactTag(tag)) {
      return "signature or referrers tag: " + tag + " names an artifact attached to another image";
    }
    return null;
  }

  /** Returns whether {@code tag} has the {@code sha256-<hex>[.suffix]} form of attached artifacts. */
  public static boolean isAttachedArtifactTag(String tag) {
    return ATTACHED_ARTIFACT_TAG.matcher(tag).matches();
  }
}
