package io.sociindexer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sociindexer.oci.Descriptor;
import io.sociindexer.oci.Digest;
import io.sociindexer.oci.ImageIndex;
import io.sociindexer.oci.ImageManifest;
import io.sociindexer.oci.MediaType;
import io.sociindexer.oci.Reference;
import io.sociindexer.registry.RegistryClient;
import io.sociindexer.soci.SociIndexV2;
import io.sociindexer.testing.Commands;
import io.sociindexer.testing.LocalRegistry;
import io.sociindexer.testing.OciImageBuilder;
import io.sociindexer.testing.RegistryReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@code index --soci-version v1} and {@code backfill} against Debian's docker-registry 2.8,
 * which has no referrers API, so SOCI v1 indexes must be listed in the {@code sha256-<hex>}
 * referrers tag.
 */
class SociV1IntegrationTest {

  private static LocalRegistry registry;

  @TempDir Path work;

  @BeforeAll
  static void startRegistry() throws Exception {
    registry = LocalRegistry.start();
  }

  @AfterAll
  static void stopRegistry() {
    if (registry != null) {
      registry.close();
    }
  }

  @Test
  void v1WritesReferrersTag() throws Exception {
    OciImageBuilder image = new OciImageBuilder(work.resolve("layout"));
    OciImageBuilder.Layer perl = image.layerFromDirectory(Path.of("/usr/share/perl"), "gzip -c -n");
    OciImageBuilder.Manifest manifest = image.manifest("linux", "amd64", List.of(perl));
    image.tag(manifest, "1.0");
    Commands.skopeoPush(image.layout(), "1.0", registry.host() + "/one:1.0");
    RegistryReader reader = new RegistryReader(registry.host(), "one");
    byte[] before = reader.manifest("1.0").orElseThrow().bytes();

    Run run = run("index", registry.host() + "/one:1.0", "--plain-http", "--soci-version", "v1",
        "--min-layer-size", "1MiB");

    assertThat(run.status).as(run.err).isZero();
    assertThat(run.out).contains("SOCI v1 indexes refer to the image manifests");
    assertThat(reader.manifest("1.0").orElseThrow().bytes()).isEqualTo(before);
    assertThat(reader.manifest("1.0-soci")).isEmpty();
    ImageIndex referrers = referrersTag(reader, manifest.digest());
    Descriptor listed = referrers.manifests().getFirst();
    assertThat(referrers.manifests()).hasSize(1);
    assertThat(referrers.mediaType()).isEqualTo(MediaType.OCI_INDEX);
    assertThat(listed.artifactType()).isEqualTo(MediaType.SOCI_INDEX_V1.value());
    assertThat(listed.mediaType()).isEqualTo(MediaType.OCI_MANIFEST);
    assertThat(listed.annotations()).containsKey(SociIndexV2.ANNOTATION_BUILD_TOOL_IDENTIFIER);

    ImageManifest soci = ImageManifest.parse(
        reader.manifest(listed.digest().toString()).orElseThrow().bytes());
    assertThat(soci.size()).isEqualTo(listed.size());
    assertThat(soci.config().mediaType()).isEqualTo(MediaType.SOCI_INDEX_V1);
    assertThat(soci.subject()).isEqualTo(
        Descriptor.of(MediaType.OCI_MANIFEST, manifest.digest(), manifest.size()));
    assertThat(soci.layers()).singleElement().satisfies(ztoc -> {
      assertThat(ztoc.annotation(SociIndexV2.ANNOTATION_IMAGE_LAYER_DIGEST))
          .isEqualTo(perl.digest().toString());
      assertThat(reader.blob(ztoc.digest())).hasSize((int) ztoc.size());
    });
  }

  @Test
  void v1KeepsOtherReferrersOnce() throws Exception {
    OciImageBuilder image = new OciImageBuilder(work.resolve("layout"));
    OciImageBuilder.Layer perl = image.layerFromDirectory(Path.of("/usr/share/perl"), "gzip -c -n");
    OciImageBuilder.Manifest manifest = image.manifest("linux", "amd64", List.of(perl));
    image.tag(manifest, "1.0");
    Commands.skopeoPush(image.layout(), "1.0", registry.host() + "/keep:1.0");
    Descriptor signature = pushSignature("keep", manifest);
    ImageIndex existing = ImageIndex.of(MediaType.OCI_INDEX, List.of(signature), null);
    client().pushManifest(Reference.parse(registry.host() + "/keep:" + manifest.digest().toTagForm()),
        MediaType.OCI_INDEX, existing.raw());

    Run first = run("index", registry.host() + "/keep:1.0", "--plain-http", "--soci-version=v1",
        "--min-layer-size", "1MiB");
    Run second = run("index", registry.host() + "/keep:1.0", "--plain-http", "--soci-version=v1",
        "--min-layer-size", "1MiB");

    assertThat(first.status).as(first.err).isZero();
    assertThat(second.status).as(second.err).isZero();
    ImageIndex referrers =
        referrersTag(new RegistryReader(registry.host(), "keep"), manifest.digest());
    assertThat(referrers.manifests()).hasSize(2);
    assertThat(referrers.manifests().getFirst()).isEqualTo(signature);
    assertThat(referrers.manifests().get(1).artifactType())
        .isEqualTo(MediaType.SOCI_INDEX_V1.value());
  }

  @Test
  void v1MultiPlatformOneIndexEach() throws Exception {
    OciImageBuilder image = new OciImageBuilder(work.resolve("layout"));
    OciImageBuilder.Layer perl = image.layerFromDirectory(Path.of("/usr/share/perl"), "gzip -c -n");
    OciImageBuilder.Layer i18n = image.layerFromDirectory(Path.of("/usr/share/i18n"), "pigz -c");
    OciImageBuilder.Manifest amd64 = image.manifest("linux", "amd64", List.of(perl));
    OciImageBuilder.Manifest arm64 = image.manifest("linux", "arm64", List.of(i18n));
    image.tagIndex(List.of(amd64, arm64), "multi");
    Commands.skopeoPush(image.layout(), "multi", registry.host() + "/multi:multi");

    Run run = run("index", registry.host() + "/multi:multi", "--plain-http", "--soci-version",
        "v1", "--min-layer-size", "1MiB");

    assertThat(run.status).as(run.err).isZero();
    RegistryReader reader = new RegistryReader(registry.host(), "multi");
    for (OciImageBuilder.Manifest platform : List.of(amd64, arm64)) {
      ImageIndex referrers = referrersTag(reader, platform.digest());
      Descriptor listed = referrers.manifests().getFirst();
      ImageManifest soci = ImageManifest.parse(
          reader.manifest(listed.digest().toString()).orElseThrow().bytes());
      assertThat(soci.subject().digest()).isEqualTo(platform.digest());
    }
  }

  @Test
  void backfillIndexesMissingTags() throws Exception {
    OciImageBuilder image = new OciImageBuilder(work.resolve("layout"));
    OciImageBuilder.Layer perl = image.layerFromDirectory(Path.of("/usr/share/perl"), "gzip -c -n");
    for (String tag : List.of("v1", "v2", "v3", "dev")) {
      image.tag(image.manifest("linux", "amd64", List.of(perl), "TAG=" + tag), tag);
      Commands.skopeoPush(image.layout(), tag, registry.host() + "/fill:" + tag);
    }
    Run earlier = run("index", registry.host() + "/fill:v2", "--plain-http",
        "--min-layer-size", "1MiB");
    assertThat(earlier.status).as(earlier.err).isZero();

    Run run = run("backfill", registry.host() + "/fill", "--plain-http", "--tag-glob", "v*",
        "--min-layer-size", "1MiB");

    assertThat(run.status).as(run.out + run.err).isZero();
    assertThat(run.out)
        .contains("v1: indexed as v1-soci")
        .contains("v3: indexed as v3-soci")
        .contains("v2: skipped, already indexed as v2-soci")
        .contains("v2-soci: skipped, output tag (ends with -soci)")
        .contains("2 indexed, 0 with nothing to index, 2 skipped, 0 failed, 1 not matching v*");
    RegistryReader reader = new RegistryReader(registry.host(), "fill");
    assertThat(reader.manifest("v1-soci")).isPresent();
    assertThat(reader.manifest("dev-soci")).isEmpty();

    Run again = run("backfill", registry.host() + "/fill", "--plain-http", "--tag-glob", "v*");

    assertThat(again.status).as(again.out + again.err).isZero();
    assertThat(again.out).contains("0 indexed, 0 with nothing to index, 6 skipped, 0 failed");
  }

  @Test
  void backfillV1SkipsIndexedImages() throws Exception {
    OciImageBuilder image = new OciImageBuilder(work.resolve("layout"));
    OciImageBuilder.Layer perl = image.layerFromDirectory(Path.of("/usr/share/perl"), "gzip -c -n");
    for (String tag : List.of("a", "b")) {
      image.tag(image.manifest("linux", "amd64", List.of(perl), "TAG=" + tag), tag);
      Commands.skopeoPush(image.layout(), tag, registry.host() + "/fillv1:" + tag);
    }

    Run run = run("backfill", registry.host() + "/fillv1", "--plain-http", "--soci-version",
        "v1", "--min-layer-size", "1MiB");
    Run again = run("backfill", registry.host() + "/fillv1", "--plain-http", "--soci-version",
        "v1", "--min-layer-size", "1MiB");

    assertThat(run.status).as(run.out + run.err).isZero();
    assertThat(run.out).contains("a: indexed with SOCI v1").contains("b: indexed with SOCI v1");
    assertThat(again.out)
        .contains("a: skipped, already has a SOCI v1 index")
        .contains("sha256-")
        .contains("0 indexed, 0 with nothing to index, 4 skipped");
  }

  /** Pushes a small artifact that refers to {@code subject}, as a signature would. */
  private static Descriptor pushSignature(String repository, OciImageBuilder.Manifest subject)
      throws Exception {
    RegistryClient client = client();
    Reference repo = Reference.parse(registry.host() + "/" + repository);
    byte[] empty = "{}".getBytes(StandardCharsets.US_ASCII);
    client.pushBlob(repo, Digest.sha256(empty), empty);
    String json = "{\"schemaVersion\":2,\"mediaType\":\"" + MediaType.OCI_MANIFEST.value()
        + "\",\"artifactType\":\"application/vnd.example.signature\",\"config\":{\"mediaType\":\""
        + MediaType.OCI_EMPTY.value() + "\",\"digest\":\"" + Digest.sha256(empty)
        + "\",\"size\":2},\"layers\":[{\"mediaType\":\"" + MediaType.OCI_EMPTY.value()
        + "\",\"digest\":\"" + Digest.sha256(empty) + "\",\"size\":2}],\"subject\":{\"mediaType\":\""
        + MediaType.OCI_MANIFEST.value() + "\",\"digest\":\"" + subject.digest() + "\",\"size\":"
        + subject.size() + "}}";
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    client.pushManifest(repo.withDigest(Digest.sha256(bytes)).withoutTag(), MediaType.OCI_MANIFEST, bytes);
    return Descriptor.of(MediaType.OCI_MANIFEST, Digest.sha256(bytes), bytes.length)
        .withArtifactType("application/vnd.example.signature");
  }

  private static RegistryClient client() {
    return RegistryClient.builder().plainHttpRegistries(Set.of(registry.host())).build();
  }

  private static ImageIndex referrersTag(RegistryReader reader, Digest subject) throws Exception {
    return ImageIndex.parse(reader.manifest(subject.toTagForm()).orElseThrow().bytes());
  }

  private static Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status =
        new MainCommand(
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8))
            .run(List.of(args))
            .orElseThrow();
    return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private record Run(int status, String out, String err) {}
}
