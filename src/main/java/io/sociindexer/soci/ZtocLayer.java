package io.sociindexer.soci;

import io.sociindexer.oci.Descriptor;
import io.sociindexer.oci.MediaType;
import java.util.Arrays;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A built zTOC for one image layer: the layer's descriptor, the serialized zTOC and the span size
 * it was built with.
 *
 * @param layer the image layer descriptor as it appears in the image manifest
 * @param ztocBytes the serialized zTOC flatbuffer, stored as given
 * @param spanSize span size in bytes, written as the {@code com.amazon.soci.span-size} annotation
 * @param disableXattrs true to add {@code com.amazon.soci.disable-xattrs: "true"}. The caller
 *     decides this from the layer contents as soci's xattr optimization does
 */
public record ZtocLayer(Descriptor layer, byte[] ztocBytes, long spanSize, boolean disableXattrs) {

  public ZtocLayer {
    Objects.requireNonNull(layer, "layer");
    Objects.requireNonNull(ztocBytes, "ztocBytes");
    if (spanSize <= 0) {
      throw new IllegalArgumentException("span size must be positive, got " + spanSize);
    }
    ztocBytes = ztocBytes.clone();
  }

  /** Creates a zTOC layer without the disable-xattrs annotation. */
  public ZtocLayer(Descriptor layer, byte[] ztocBytes, long spanSize) {
    this(layer, ztocBytes, spanSize, false);
  }

  @Override
  public byte[] ztocBytes() {
    return ztocBytes.clone();
  }

  /**
   * Returns the zTOC descriptor for the SOCI index {@code layers} list: media type
   * {@code application/octet-stream}, digest and size of the zTOC bytes, and the layer digest,
   * layer media type (verbatim) and span size annotations.
   */
  public Descriptor ztocDescriptor() {
    TreeMap<String, String> annotations = new TreeMap<>();
    annotations.put(SociIndexV2.ANNOTATION_IMAGE_LAYER_DIGEST, layer.digest().toString());
    annotations.put(SociIndexV2.ANNOTATION_IMAGE_LAYER_MEDIA_TYPE, layer.mediaType().value());
    annotations.put(SociIndexV2.ANNOTATION_SPAN_SIZE, Long.toString(spanSize));
    if (disableXattrs) {
      annotations.put(SociIndexV2.ANNOTATION_DISABLE_XATTRS, "true");
    }
    return Descriptor.of(MediaType.OCTET_STREAM, ztocBytes).withAnnotations(annotations);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof ZtocLayer that
        && layer.equals(that.layer)
        && Arrays.equals(ztocBytes, that.ztocBytes)
        && spanSize == that.spanSize
        && disableXattrs == that.disableXattrs;
  }

  @Override
  public int hashCode() {
    return Objects.hash(layer, Arrays.hashCode(ztocBytes), spanSize, disableXattrs);
  }

  @Override
  public String toString() {
    return "ZtocLayer[layer=" + layer.digest() + ", ztoc " + ztocBytes.length + " bytes, spanSize="
        + spanSize + "]";
  }
}
