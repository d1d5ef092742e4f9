package io.sociindexer.oci;

import java.util.Objects;

/**
 * A media type string as it appears in manifests and HTTP headers. Unknown values are kept
 * verbatim so that re-serialized descriptors stay byte-identical.
 */
public record MediaType(String value) {

  public static final MediaType OCI_MANIFEST =
      new MediaType("application/vnd.oci.image.manifest.v1+json");
  public static final MediaType OCI_INDEX = new MediaType("application/vnd.oci.image.index.v1+json");
  public static final MediaType OCI_CONFIG =
      new MediaType("application/vnd.oci.image.config.v1+json");
  public static final MediaType OCI_EMPTY = new MediaType("application/vnd.oci.empty.v1+json");
  public static final MediaType OCI_LAYER_TAR =
      new MediaType("application/vnd.oci.image.layer.v1.tar");
  public static final MediaType OCI_LAYER_GZIP =
      new MediaType("application/vnd.oci.image.layer.v1.tar+gzip");
  public static final MediaType OCI_LAYER_ZSTD =
      new MediaType("application/vnd.oci.image.layer.v1.tar+zstd");
  public static final MediaType DOCKER_MANIFEST =
      new MediaType("application/vnd.docker.distribution.manifest.v2+json");
  public static final MediaType DOCKER_MANIFEST_LIST =
      new MediaType("application/vnd.docker.distribution.manifest.list.v2+json");
  public static final MediaType DOCKER_CONFIG =
      new MediaType("application/vnd.docker.container.image.v1+json");
  public static final MediaType DOCKER_LAYER_GZIP =
      new MediaType("application/vnd.docker.image.rootfs.diff.tar.gzip");
  public static final MediaType DOCKER_LAYER_TAR =
      new MediaType("application/vnd.docker.image.rootfs.diff.tar");
  public static final MediaType DOCKER_LAYER_ZSTD =
      new MediaType("application/vnd.docker.image.rootfs.diff.tar.zstd");
  public static final MediaType OCTET_STREAM = new MediaType("application/octet-stream");
  public static final MediaType SOCI_INDEX_V1 =
      new MediaType("application/vnd.amazon.soci.index.v1+json");
  public static final MediaType SOCI_INDEX_V2 =
      new MediaType("application/vnd.amazon.soci.index.v2+json");

  public MediaType {
    Objects.requireNonNull(value, "media type");
  }

  public static MediaType of(String value) {
    return new MediaType(value);
  }

  /** Returns true for OCI image indexes and Docker manifest lists. */
  public boolean isIndex() {
    return equals(OCI_INDEX) || equals(DOCKER_MANIFEST_LIST);
  }

  /** Returns true for OCI image manifests and Docker schema 2 manifests. */
  public boolean isManifest() {
    return equals(OCI_MANIFEST) || equals(DOCKER_MANIFEST);
  }

  /** Returns true for any of the four manifest and index types a registry serves. */
  public boolean isManifestOrIndex() {
    return isIndex() || isManifest();
  }

  /**
   * Returns the compression that containerd derives from a layer media type, which decides
   * whether soci builds a zTOC: {@code +gzip} and Docker {@code .tar.gzip} are gzip, plain OCI and
   * Docker tar are uncompressed, {@code +zstd} is zstd, and anything else is not a layer soci reads.
   */
  public LayerCompression layerCompression() {
    String base = stripForeignMarkers(value);
    if (base.equals(OCI_LAYER_GZIP.value) || base.equals(DOCKER_LAYER_GZIP.value)) {
      return LayerCompression.GZIP;
    }
    if (base.equals(OCI_LAYER_TAR.value) || base.equals(DOCKER_LAYER_TAR.value)) {
      return LayerCompression.UNCOMPRESSED;
    }
    if (base.equals(OCI_LAYER_ZSTD.value) || base.equals(DOCKER_LAYER_ZSTD.value)) {
      return LayerCompression.ZSTD;
    }
    return LayerCompression.NOT_A_LAYER;
  }

  private static String stripForeignMarkers(String type) {
    return type.replace(".nondistributable.", ".")
        .replace("application/vnd.docker.image.rootfs.foreign.diff.", "application/vnd.docker.image.rootfs.diff.");
  }

  @Override
  public String toString() {
    return value;
  }

  /** Compression of a layer as declared by its media type. */
  public enum LayerCompression {
    GZIP,
    UNCOMPRESSED,
    ZSTD,
    NOT_A_LAYER
  }
}
