package io.sociindexer.backfill;

import io.sociindexer.indexer.IndexOptions;
import io.sociindexer.indexer.SociVersion;
import io.sociindexer.oci.Descriptor;
import io.sociindexer.oci.Digest;
import io.sociindexer.oci.ImageIndex;
import io.sociindexer.oci.MediaType;
import io.sociindexer.oci.Reference;
import io.sociindexer.registry.ManifestNotFoundException;
import io.sociindexer.registry.RawManifest;
import io.sociindexer.registry.RegistryClient;
import io.sociindexer.registry.RegistryException;
import io.sociindexer.soci.ReferrersTag;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Decides which tags of a repository a backfill indexes: it lists the tags, keeps those that
 * match the glob, and leaves out the tags that are SOCI output themselves (the output suffix, the
 * {@code sha256-<hex>} referrers tags) and the images already indexed: for SOCI v2 those whose
 * {@code <tag><suffix>} exists, for SOCI v1 those whose image manifest has a SOCI v1 referrer.
 * In in-place mode the output has no tag of its own, so already indexed images are left to the
 * indexer, which recognises them by content.
 *
 * <p>It only reads from the registry. Thread-safe.
 */
public final class BackfillPlanner {

  private static final Pattern REFERRERS_TAG = Pattern.compile("sha256-[0-9a-f]{64}");

  private final RegistryClient client;
  private final IndexOptions options;

  public BackfillPlanner(RegistryClient client, IndexOptions options) {
    this.client = Objects.requireNonNull(client, "client");
    this.options = Objects.requireNonNull(options, "options");
  }

  /**
   * The outcome of planning.
   *
   * @param toIndex tags to index, in the order the registry listed them
   * @param skipped tags that match the glob but are left out, with the reason
   * @param unmatched count of listed tags that do not match the glob
   */
  public record Plan(List<String> toIndex, List<Skipped> skipped, int unmatched) {

    public Plan {
      toIndex = List.copyOf(toIndex);
      skipped = List.copyOf(skipped);
    }
  }

  /** A tag that a backfill leaves out and why. */
  public record Skipped(String tag, String reason) {}

  /**
   * Lists the tags of {@code repository} (its tag and digest are ignored) and plans the backfill.
   *
   * @throws RegistryException when listing the tags or checking an output fails
   */
  public Plan plan(Reference repository, TagGlob glob) throws RegistryException {
    List<String> tags = client.listTags(repository);
    List<String> toIndex = new ArrayList<>();
    List<Skipped> skipped = new ArrayList<>();
    int unmatched = 0;
    V1Probe probe = new V1Probe();
    for (String tag : tags) {
      if (!glob.matches(tag)) {
        unmatched++;
        continue;
      }
      String reason = skipReason(repository, tag, probe);
      if (reason == null) {
        toIndex.add(tag);
      } else {
        skipped.add(new Skipped(tag, reason));
      }
    }
    return new Plan(toIndex, skipped, unmatched);
  }

  /** Returns why {@code tag} is left out, or null when it is to be indexed. */
  String skipReason(Reference repository, String tag, V1Probe probe) throws RegistryException {
    if (REFERRERS_TAG.matcher(tag).matches()) {
      return "referrers tag";
    }
    if (!options.inPlace() && options.sociVersion() == SociVersion.V2) {
      return v2SkipReason(repository, tag);
    }
    if (!options.inPlace() && tag.endsWith(options.tagSuffix())) {
      return "output tag (ends with " + options.tagSuffix() + ")";
    }
    if (options.sociVersion() == SociVersion.V1) {
      return v1SkipReason(repository, tag, probe);
    }
    return null;
  }

  private String v2SkipReason(Reference repository, String tag) throws RegistryException {
    if (tag.endsWith(options.tagSuffix())) {
      return "output tag (ends with " + options.tagSuffix() + ")";
    }
    String output = options.outputTag(tag);
    Reference outputReference;
    try {
      outputReference = repository.withTag(output);
    } catch (IllegalArgumentException tooLong) {
      return null; // The output tag cannot exist; the indexer reports the problem.
    }
    if (client.headManifest(outputReference).isPresent()) {
      return "already indexed as " + output;
    }
    return null;
  }

  /** Skips the tag when any image manifest it names has a SOCI v1 referrer. */
  private String v1SkipReason(Reference repository, String tag, V1Probe probe)
      throws RegistryException {
    RawManifest root;
    try {
      root = client.fetchManifest(repository.withTag(tag));
    } catch (ManifestNotFoundException deleted) {
      return "tag no longer exists";
    }
    for (Digest subject : subjects(root)) {
      if (hasSociV1Referrer(repository, subject, probe)) {
        return "already has a SOCI v1 index for " + subject;
      }
    }
    return null;
  }

  private static List<Digest> subjects(RawManifest root) {
    if (!root.mediaType().isIndex()) {
      return List.of(root.digest());
    }
    List<Digest> subjects = new ArrayList<>();
    try {
      for (Descriptor child : ImageIndex.parse(root.bytes()).manifests()) {
        boolean attestation = child.platform() != null && child.platform().isUnknown();
        if (child.mediaType().isManifest() && !attestation) {
          subjects.add(child.digest());
        }
      }
    } catch (RuntimeException invalid) {
      return List.of(); // The indexer reports an invalid index when it runs.
    }
    return subjects;
  }

  private boolean hasSociV1Referrer(Reference repository, Digest subject, V1Probe probe)
      throws RegistryException {
    if (probe.referrersApi == null || probe.referrersApi) {
      Optional<ImageIndex> listed =
          client.listReferrers(repository, subject, MediaType.SOCI_INDEX_V1.value());
      probe.referrersApi = listed.isPresent();
      if (listed.isPresent()) {
        return containsSociV1(listed.get());
      }
    }
    Reference referrersTag = repository.withTag(ReferrersTag.tagFor(subject));
    try {
      RawManifest fallback = client.fetchManifest(referrersTag);
      return fallback.mediaType().isIndex() && containsSociV1(ImageIndex.parse(fallback.bytes()));
    } catch (ManifestNotFoundException none) {
      return false;
    } catch (RuntimeException invalid) {
      return false;
    }
  }

  private static boolean containsSociV1(ImageIndex referrers) {
    return referrers.manifests().stream()
        .anyMatch(d -> MediaType.SOCI_INDEX_V1.value().equals(d.artifactType()));
  }

  /** Remembers, within one plan, whether the registry has the referrers API. */
  static final class V1Probe {
    private Boolean referrersApi;
  }
}
