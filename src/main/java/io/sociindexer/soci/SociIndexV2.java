package io.sociindexer.soci;

import io.sociindexer.oci.Descriptor;
import io.sociindexer.oci.Digest;
import io.sociindexer.oci.ImageManifest;
import io.sociindexer.oci.MediaType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Builds SOCI index manifests whose bytes equal those of soci-snapshotter's {@code MarshalIndex}
 * (soci/soci_index.go at v0.15.0): Go JSON of an OCI image manifest with {@code schemaVersion} 2,
 * the OCI manifest media type, a config descriptor for the 2-byte {@code {}} blob typed as the
 * SOCI index version, one zTOC descriptor per indexed layer in image-layer order, and the
 * {@code com.amazon.soci.build-tool-identifier} annotation. There is no top-level
 * {@code artifactType}, because soci carries the index version only in {@code config.mediaType}.
 */
public final class SociIndexV2 {

  public static final String ANNOTATION_IMAGE_LAYER_DIGEST = "com.amazon.soci.image-layer-digest";
  public static final String ANNOTATION_IMAGE_LAYER_MEDIA_TYPE =
      "com.amazon.soci.image-layer-mediaType";
  public static final String ANNOTATION_SPAN_SIZE = "com.amazon.soci.span-size";
  public static final String ANNOTATION_DISABLE_XATTRS = "com.amazon.soci.disable-xattrs";
  public static final String ANNOTATION_BUILD_TOOL_IDENTIFIER =
      "com.amazon.soci.build-tool-identifier";

  /** Image manifest annotation: digest of the SOCI index manifest built for that image. */
  public static final String ANNOTATION_INDEX_DIGEST = "com.amazon.soci.index-digest";

  /** Image index annotation on a SOCI index descriptor: digest of the annotated image manifest. */
  public static final String ANNOTATION_IMAGE_MANIFEST_DIGEST =
      "com.amazon.soci.image-manifest-digest";

  /** Build tool identifier that soci's CLI writes. */
  public static final String DEFAULT_BUILD_TOOL_IDENTIFIER = "AWS SOCI CLI v0.2";

  /** Content of the SOCI index config blob. */
  public static final byte[] EMPTY_CONFIG = "{}".getBytes(StandardCharsets.US_ASCII);

  /** Digest of {@link #EMPTY_CONFIG}. */
  public static final Digest EMPTY_CONFIG_DIGEST =
      Digest.parse("sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a");

  private SociIndexV2() {}

  /**
   * Builds a v2 SOCI index manifest: no {@code subject}, bound to its image through the image
   * manifest annotation {@link #ANNOTATION_INDEX_DIGEST} instead.
   *
   * @param layersInImageOrder zTOCs in the order their layers appear in the image manifest
   * @throws IllegalArgumentException when the list is empty, because registries reject a
   *     manifest with no layers and soci reports an empty index as an error too
   */
  public static SociIndexManifest build(
      List<ZtocLayer> layersInImageOrder, String buildToolIdentifier) {
    return assemble(MediaType.SOCI_INDEX_V2, layersInImageOrder, null, buildToolIdentifier);
  }

  /**
   * Builds a v1 SOCI index manifest, found by clients through the referrers API of
   * {@code subject}.
   *
   * @param subject descriptor of the image manifest, of which only media type, digest and size are
   *     written, as soci does
   */
  public static SociIndexManifest buildV1(
      List<ZtocLayer> layersInImageOrder, Descriptor subject, String buildToolIdentifier) {
    Objects.requireNonNull(subject, "subject");
    Descriptor bareSubject = Descriptor.of(subject.mediaType(), subject.digest(), subject.size());
    return assemble(MediaType.SOCI_INDEX_V1, layersInImageOrder, bareSubject, buildToolIdentifier);
  }

  /** Returns the config descriptor that soci writes for the given index version. */
  public static Descriptor configDescriptor(MediaType indexArtifactType) {
    return Descriptor.of(indexArtifactType, EMPTY_CONFIG_DIGEST, EMPTY_CONFIG.length);
  }

  private static SociIndexManifest assemble(
      MediaType artifactType,
      List<ZtocLayer> ztocs,
      Descriptor subject,
      String buildToolIdentifier) {
    Objects.requireNonNull(buildToolIdentifier, "buildToolIdentifier");
    if (ztocs.isEmpty()) {
      throw new IllegalArgumentException(
          "cannot build a SOCI index without zTOCs: no layer qualified for a zTOC");
    }

    List<Descriptor> ztocDescriptors = new ArrayList<>();
    for (ZtocLayer ztoc : ztocs) {
      ztocDescriptors.add(ztoc.ztocDescriptor());
    }
    ImageManifest manifest =
        ImageManifest.of(
            MediaType.OCI_MANIFEST,
            null,
            configDescriptor(artifactType),
            ztocDescriptors,
            subject,
            Map.of(ANNOTATION_BUILD_TOOL_IDENTIFIER, buildToolIdentifier));
    return new SociIndexManifest(manifest, artifactType, ztocs);
  }
}
