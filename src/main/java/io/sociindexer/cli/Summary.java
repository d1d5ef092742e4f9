package io.sociindexer.cli;

import io.sociindexer.indexer.IndexResult;
import io.sociindexer.indexer.IndexResult.PlatformOutcome;
import io.sociindexer.indexer.LayerOutcome;
import java.io.PrintStream;
import java.util.Locale;

/** Prints the short human-readable summary of an {@link IndexResult}. */
final class Summary {

  private final PrintStream out;

  Summary(PrintStream out) {
    this.out = out;
  }

  void print(IndexResult result) {
    out.println("image " + result.image() + " (" + result.sourceDigest() + ")");
    for (PlatformOutcome platform : result.platforms()) {
      printPlatform(platform);
    }

    switch (result.status()) {
      case NOTHING_TO_INDEX ->
          out.println("nothing to index: no layer needs a zTOC, so nothing was pushed");
      case ALREADY_SOCI_ENABLED ->
          out.println("already SOCI-enabled: " + result.reason() + "; nothing was pushed");
      case INDEXED -> printIndexed(result);
    }
    out.printf(Locale.ROOT, "done in %.1f s%n", result.duration().toMillis() / 1000.0);
  }

  private void printIndexed(IndexResult result) {
    if (result.imageIndex().digest().equals(result.sourceDigest())) {
      out.println(
          "SOCI v1 indexes refer to the image manifests; the image and its tags are unchanged");
      return;
    }
    out.println("image index " + result.imageIndex().digest() + " tagged " + result.outputTag());
  }

  private void printPlatform(PlatformOutcome platform) {
    String name = platform.platform() == null ? "manifest" : platform.platform().toString();
    out.println("  " + name + " " + platform.manifestDigest());
    if (platform.skipReason() != null) {
      out.println("    left unchanged: " + platform.skipReason());
      return;
    }
    for (LayerOutcome layer : platform.layers()) {
      printLayer(layer);
    }
    if (platform.sociIndex() != null) {
      out.println("    SOCI index " + platform.sociIndex().digest());
      if (platform.rewrittenManifest() != null) {
        out.println("    image manifest rewritten as " + platform.rewrittenManifest().digest());
      }
    }
  }

  private void printLayer(LayerOutcome layer) {
    String digest = layer.layer().digest().toString();
    if (layer.reused()) {
      out.printf(
          Locale.ROOT,
          "    layer %s reused the zTOC of an earlier image: %s, %s, zTOC %s (%d bytes)%n",
          digest,
          count(layer.entries(), "entry", "entries"),
          count(layer.spans(), "span", "spans"),
          layer.ztoc().digest(),
          layer.ztoc().size());
    } else if (layer.indexed()) {
      out.printf(
          Locale.ROOT,
          "    layer %s indexed: %s, %s, zTOC %s (%d bytes) in %.1f s%n",
          digest,
          count(layer.entries(), "entry", "entries"),
          count(layer.spans(), "span", "spans"),
          layer.ztoc().digest(),
          layer.ztoc().size(),
          layer.duration().toMillis() / 1000.0);
    } else {
      out.println("    layer " + digest + " skipped: " + layer.skipReason());
    }
  }

  /** Returns {@code count} with the singular or plural noun, such as "1 span" or "2 spans". */
  static String count(long count, String singular, String plural) {
    return count + " " + (count == 1 ? singular : plural);
  }
}
