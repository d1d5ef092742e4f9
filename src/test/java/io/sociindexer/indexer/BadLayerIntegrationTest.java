package io.sociindexer.indexer;

import static io.sociindexer.indexer.LayerFixtures.concat;
import static io.sociindexer.indexer.LayerFixtures.file;
import static io.sociindexer.indexer.LayerFixtures.gzip;
import static io.sociindexer.indexer.LayerFixtures.zeros;
import static org.assertj.core.api.Assertions.assertThat;

import io.sociindexer.oci.Digest;
import io.sociindexer.oci.Reference;
import io.sociindexer.registry.RegistryClient;
import io.sociindexer.testing.Commands;
import io.sociindexer.testing.LocalRegistry;
import io.sociindexer.testing.OciImageBuilder;
import io.sociindexer.testing.OciImageBuilder.Layer;
import io.sociindexer.testing.RegistryReader;
import io.sociindexer.testing.SociOutputChecks;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs bad and good images side by side through one {@link ImageIndexer} against Debian's
 * docker-registry, the way the service's workers share it: each bad image fails with a message
 * that names the image, the layer and the cause, pushes nothing, and the good image is indexed.
 */
class BadLayerIntegrationTest {

  private static final String OCI_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";

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
  void badImagesFailGoodImageIndexed() throws Exception {
    byte[] escapeTar = concat(file("../escape", new byte[] {1}), zeros(1024));
    Layer escape = push("escape", gzip(escapeTar), escapeTar);
    byte[] bomb = zeroFileLayer(2L << 30);
    Layer bombLayer = push("bomb", bomb, new byte[0]);
    byte[] goodTar =
        concat(
            file("app/data.bin", LayerFixtures.mixed("integration", 300 * 1024)),
            file("app/notes.txt", "notes\n".getBytes(StandardCharsets.UTF_8)),
            zeros(1024));
    push("good", gzip(goodTar), goodTar);

    RegistryClient client =
        RegistryClient.builder().plainHttpRegistries(Set.of(registry.host())).build();
    ImageIndexer indexer =
        new ImageIndexer(IndexOptions.defaults().withSpanSize(64 * 1024).withMinLayerSize(0));
    ExecutorService workers = Executors.newFixedThreadPool(3);
    Future<IndexResult> escapeJob = workers.submit(() -> index(client, indexer, "escape"));
    Future<IndexResult> bombJob = workers.submit(() -> index(client, indexer, "bomb"));
    Future<IndexResult> goodJob = workers.submit(() -> index(client, indexer, "good"));
    workers.shutdown();

    assertThat(failure(escapeJob))
        .contains(registry.host() + "/escape:1.0")
        .contains("layer " + escape.digest())
        .contains("unsafe tar entry \"../escape\"");
    assertThat(failure(bombJob))
        .contains(registry.host() + "/bomb:1.0")
        .contains("layer " + bombLayer.digest())
        .contains("gzip bomb");
    assertThat(goodJob.get().status()).isEqualTo(IndexResult.Status.INDEXED);
    assertThat(SociOutputChecks.verify(new RegistryReader(registry.host(), "good"), "1.0-soci").ztocs())
        .isEqualTo(1);
    assertThat(new RegistryReader(registry.host(), "escape").manifest("1.0-soci")).isEmpty();
    assertThat(new RegistryReader(registry.host(), "bomb").manifest("1.0-soci")).isEmpty();
  }

  private Layer push(String name, byte[] blob, byte[] tar) throws Exception {
    OciImageBuilder image = new OciImageBuilder(work.resolve(name));
    Layer layer = image.addLayer(blob, OCI_GZIP, Digest.sha256(tar));
    image.tag(image.manifest("linux", "amd64", List.of(layer)), "1.0");
    Commands.skopeoPush(image.layout(), "1.0", registry.host() + "/" + name + ":1.0");
    return layer;
  }

  private static IndexResult index(RegistryClient client, ImageIndexer indexer, String name)
      throws IOException {
    Reference reference = Reference.parse(registry.host() + "/" + name + ":1.0");
    try (RegistryImageStore store = new RegistryImageStore(client, reference)) {
      return indexer.index(store, "1.0", null);
    }
  }

  private static String failure(Future<IndexResult> job) throws InterruptedException {
    try {
      IndexResult result = job.get();
      throw new AssertionError("expected a failure, got " + result.status());
    } catch (java.util.concurrent.ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(IOException.class);
      return e.getCause().getMessage();
    }
  }

  /** Returns a gzip tar with one file of {@code size} zero bytes, about 1000 times smaller. */
  private static byte[] zeroFileLayer(long size) throws IOException {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(out, 64 * 1024)) {
      gzip.write(LayerFixtures.header("zeros.img", '0', size, ""));
      byte[] chunk = new byte[1 << 20];
      for (long written = 0; written < size; written += chunk.length) {
        gzip.write(chunk, 0, (int) Math.min(chunk.length, size - written));
      }
      gzip.write(zeros(LayerFixtures.padding(size) + 1024));
    }
    return out.toByteArray();
  }
}
