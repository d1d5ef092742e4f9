package io.sociindexer.indexer;

import static io.sociindexer.indexer.LayerFixtures.file;
import static io.sociindexer.indexer.LayerFixtures.gzip;
import static io.sociindexer.indexer.LayerFixtures.zeros;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.sociindexer.indexer.ZtocRecords.ZtocRecord;
import io.sociindexer.job.JdbcZtocRecords;
import io.sociindexer.oci.Descriptor;
import io.sociindexer.oci.Digest;
import io.sociindexer.oci.MediaType;
import io.sociindexer.oci.Reference;
import io.sociindexer.registry.RegistryClient;
import io.sociindexer.testing.Commands;
import io.sociindexer.testing.LocalRegistry;
import io.sociindexer.testing.OciImageBuilder;
import io.sociindexer.testing.OciImageBuilder.Layer;
import io.sociindexer.testing.RegistryReader;
import io.sociindexer.testing.SociOutputChecks;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Reuse of zTOCs through the job store's records against Debian's docker-registry. Two images in
 * different repositories of one registry share a base layer. A first indexer indexes one image,
 * and a second indexer, with an empty local cache and the same job store, indexes the other.
 */
class ZtocRecordsIntegrationTest {

  private static final IndexOptions SMALL =
      IndexOptions.defaults().withSpanSize(64 << 10).withMinLayerSize(0);
  private static final String OCI_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";

  private static LocalRegistry registry;
  private static RegistryClient client;

  @TempDir Path work;

  private JdbcDataSource dataSource;
  private JdbcZtocRecords records;
  private OciImageBuilder images;
  private Layer base;

  @BeforeAll
  static void startRegistry() throws Exception {
    registry = LocalRegistry.start();
    client = RegistryClient.builder().plainHttpRegistries(Set.of(registry.host())).build();
  }

  @AfterAll
  static void stopRegistry() {
    if (registry != null) {
      registry.close();
    }
  }

  @BeforeEach
  void setUp() throws IOException {
    dataSource = new JdbcDataSource();
    dataSource.setURL(
        "jdbc:h2:mem:" + UUID.randomUUID()
            + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DB_CLOSE_DELAY=-1");
    dataSource.setUser("sa");
    Flyway.configure()
        .dataSource(dataSource)
        .locations("classpath:db/migration/h2")
        .load()
        .migrate();
    records = new JdbcZtocRecords(dataSource);
    images = new OciImageBuilder(work.resolve("images"));
    base = layer("base", 3 << 20);
  }

  @AfterEach
  void dropDatabase() {
    JdbcClient.create(dataSource).sql("SHUTDOWN").update();
  }

  @Test
  void otherRepositoryZtocReused() throws Exception {
    pushImage("team/a");
    Layer ownLayer = pushImage("team/b");
    IndexResult first = index(records, store("team/a"));
    RecordingImageStore store = store("team/b");

    IndexResult second = index(records, store);

    LayerOutcome built = baseOutcome(first);
    assertThat(store.timesOpened(base.digest())).isZero();
    assertThat(store.timesOpened(ownLayer.digest())).isEqualTo(1);
    assertThat(store.otherRepositories()).containsExactly("team/a");
    assertThat(baseOutcome(second).ztoc()).isEqualTo(built.ztoc());
    RegistryReader teamB = new RegistryReader(registry.host(), "team/b");
    assertThat(teamB.blob(built.ztoc().digest())).isEqualTo(built.ztocBytes());
    assertThat(SociOutputChecks.verify(teamB, "1.0-soci").ztocs()).isEqualTo(2);
    assertThat(records.find(baseKey(), registry.host(), "team/b"))
        .extracting(ZtocRecord::repository)
        .containsExactly("team/b", "team/a");
  }

  @Test
  void deletedZtocIndexedAgain() throws Exception {
    pushImage("deleted/a");
    pushImage("deleted/b");
    IndexResult first = index(records, store("deleted/a"));
    deleteBlob("deleted/a", baseOutcome(first).ztoc().digest());
    RecordingImageStore store = store("deleted/b");

    IndexResult second = index(records, store);

    assertThat(store.timesOpened(base.digest())).isEqualTo(1);
    assertThat(store.otherRepositories()).containsExactly("deleted/a");
    assertThat(baseOutcome(second).ztoc()).isEqualTo(baseOutcome(first).ztoc());
    RegistryReader deletedB = new RegistryReader(registry.host(), "deleted/b");
    assertThat(SociOutputChecks.verify(deletedB, "1.0-soci").ztocs()).isEqualTo(2);
    assertThat(records.find(baseKey(), registry.host(), "deleted/a"))
        .extracting(ZtocRecord::repository)
        .containsExactly("deleted/b");
  }

  @Test
  void mismatchedRecordIndexedAgain() throws Exception {
    pushImage("mismatch/a");
    pushImage("mismatch/b");
    IndexResult first = index(records, store("mismatch/a"));
    JdbcClient.create(dataSource).sql("UPDATE ztocs SET ztoc_size = ztoc_size + 1").update();
    RecordingImageStore store = store("mismatch/b");

    IndexResult second = index(records, store);

    assertThat(store.timesOpened(base.digest())).isEqualTo(1);
    assertThat(baseOutcome(second).ztoc()).isEqualTo(baseOutcome(first).ztoc());
    RegistryReader mismatchB = new RegistryReader(registry.host(), "mismatch/b");
    assertThat(SociOutputChecks.verify(mismatchB, "1.0-soci").ztocs()).isEqualTo(2);
    List<ZtocRecord> left = records.find(baseKey(), registry.host(), "mismatch/a");
    assertThat(left).extracting(ZtocRecord::repository).containsExactly("mismatch/b");
    assertThat(left.getFirst().ztoc()).isEqualTo(baseOutcome(first).ztoc());
  }

  @Test
  void otherRegistryRecordIgnored() throws Exception {
    pushImage("foreign/b");
    ZtocRecord elsewhere =
        new ZtocRecord(
            baseKey(),
            Descriptor.of(MediaType.OCTET_STREAM, Digest.sha256(new byte[] {1}), 1),
            1,
            1,
            1,
            "elsewhere.example:5000",
            "team/a");
    RecordingImageStore store = store("foreign/b");

    index(recordsReturning(elsewhere), store);

    assertThat(store.timesOpened(base.digest())).isEqualTo(1);
    assertThat(store.otherRepositories()).isEmpty();
  }

  /** Returns records that find only {@code found} and reject removal of it. */
  private static ZtocRecords recordsReturning(ZtocRecord found) {
    return new ZtocRecords() {
      @Override
      public List<ZtocRecord> find(ZtocCache.Key key, String registry, String repository) {
        return List.of(found);
      }

      @Override
      public void record(ZtocRecord record) {}

      @Override
      public void remove(ZtocCache.Key key, String registry, String repository) {
        fail("a record of another registry was removed: " + registry + "/" + repository);
      }
    };
  }

  /** Pushes {@code repository}:1.0 with the base layer and a layer of its own, and returns that. */
  private Layer pushImage(String repository) throws Exception {
    String name = repository.replace('/', '-');
    Layer own = layer(name, 50_000);
    images.tag(images.manifest("linux", "amd64", List.of(base, own)), name);
    Commands.skopeoPush(images.layout(), name, registry.host() + "/" + repository + ":1.0");
    return own;
  }

  private static RecordingImageStore store(String repository) {
    Reference image = Reference.parse(registry.host() + "/" + repository + ":1.0");
    return new RecordingImageStore(new RegistryImageStore(client, image), 0);
  }

  /** Indexes with a new indexer whose local zTOC cache is empty. */
  private static IndexResult index(ZtocRecords records, ImageStore store) throws IOException {
    ImageIndexer indexer = new ImageIndexer(SMALL, 2, new MemoryZtocCache(1 << 30), records);
    IndexResult result = indexer.index(store, "1.0", null);
    assertThat(result.status()).isEqualTo(IndexResult.Status.INDEXED);
    return result;
  }

  private static LayerOutcome baseOutcome(IndexResult result) {
    return result.platforms().getFirst().layers().getFirst();
  }

  private ZtocCache.Key baseKey() {
    return ZtocCache.Key.of(
        Descriptor.of(new MediaType(OCI_GZIP), base.digest(), base.size()), SMALL);
  }

  /** Deletes a blob from one repository with the distribution API, as registry cleanup would. */
  private static void deleteBlob(String repository, Digest digest)
      throws IOException, InterruptedException {
    URI url = URI.create("http://" + registry.host() + "/v2/" + repository + "/blobs/" + digest);
    HttpRequest request = HttpRequest.newBuilder(url).DELETE().build();
    HttpResponse<String> response =
        HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as("DELETE %s: %s", url, response.body()).isEqualTo(202);
  }

  private Layer layer(String seed, int size) throws IOException {
    byte[] tar =
        LayerFixtures.concat(
            file(seed + ".bin", LayerFixtures.mixed(seed, size)), zeros(2 * LayerFixtures.BLOCK));
    return images.addLayer(gzip(tar), OCI_GZIP, Digest.sha256(tar));
  }
}
