package io.sociindexer.registry;

import static io.sociindexer.registry.ScriptedRegistry.response;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sociindexer.oci.Digest;
import io.sociindexer.oci.ImageIndex;
import io.sociindexer.oci.MediaType;
import io.sociindexer.oci.Reference;
import java.io.IOException;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Tag listing with pagination, and the referrers API call, against a scripted registry. */
class TagListerTest {

  private ScriptedRegistry registry;
  private RegistryClient client;
  private Reference repository;

  @BeforeEach
  void start() throws IOException {
    registry = new ScriptedRegistry();
    client = RegistryClient.builder().plainHttpRegistries(Set.of(registry.hostPort())).build();
    repository = Reference.parse(registry.hostPort() + "/team/app");
  }

  @AfterEach
  void stop() {
    registry.close();
  }

  @Test
  void listTagsFollowsLink() throws IOException {
    registry
        .expect("GET", "/v2/team/app/tags/list?n=2", tags("[\"a\",\"b\"]")
            .setHeader("Link", "</v2/team/app/tags/list?last=b&n=2>; rel=\"next\"").build())
        .expect("GET", "/v2/team/app/tags/list?last=b&n=2", tags("[\"c\"]").build());

    assertThat(client.listTags(repository, 2)).containsExactly("a", "b", "c");
    registry.assertDone();
  }

  @Test
  void listTagsUsesLastWithoutLink() throws IOException {
    registry
        .expect("GET", "/v2/team/app/tags/list?n=2", tags("[\"a\",\"b\"]").build())
        .expect("GET", "/v2/team/app/tags/list?n=2&last=b", tags("[\"c\",\"d\"]").build())
        .expect("GET", "/v2/team/app/tags/list?n=2&last=d", tags("[]").build());

    assertThat(client.listTags(repository, 2)).containsExactly("a", "b", "c", "d");
    registry.assertDone();
  }

  @Test
  void listTagsStopsWhenLastIsIgnored() throws IOException {
    registry
        .expect("GET", "/v2/team/app/tags/list?n=2", tags("[\"a\",\"b\"]").build())
        .expect("GET", "/v2/team/app/tags/list?n=2&last=b", tags("[\"a\",\"b\"]").build());

    assertThat(client.listTags(repository, 2)).containsExactly("a", "b");
    registry.assertDone();
  }

  @Test
  void listTagsNullTags() throws IOException {
    registry.expect("GET", "/v2/team/app/tags/list?n=1000", tags("null").build());

    assertThat(client.listTags(repository)).isEmpty();
  }

  @Test
  void listTagsRefusesLinkToOtherHost() {
    registry.expect("GET", "/v2/team/app/tags/list?n=2", tags("[\"a\",\"b\"]")
        .setHeader("Link", "<http://192.0.2.1/v2/team/app/tags/list?last=b>; rel=\"next\"")
        .build());

    assertThatThrownBy(() -> client.listTags(repository, 2))
        .isInstanceOf(RegistryException.class)
        .hasMessageContaining("links to another host are not followed");
    assertThat(registry.requests()).hasSize(1);
  }

  @Test
  void listTagsUnknownRepository() {
    registry.expect("GET", "/v2/team/app/tags/list?n=1000", response(404)
        .setHeader("Content-Type", "application/json")
        .body("{\"errors\":[{\"code\":\"NAME_UNKNOWN\",\"message\":\"repository name not known\"}]}")
        .build());

    assertThatThrownBy(() -> client.listTags(repository))
        .isInstanceOf(RegistryException.class)
        .hasMessageContaining("list tags")
        .hasMessageContaining("NAME_UNKNOWN");
  }

  @Test
  void nextLinkParsesHeader() {
    assertThat(TagLister.nextLink("</v2/a/tags/list?n=1&last=x>; rel=\"next\""))
        .isEqualTo("/v2/a/tags/list?n=1&last=x");
    assertThat(TagLister.nextLink("</x>; rel=\"prev\"")).isNull();
    assertThat(TagLister.nextLink(null)).isNull();
  }

  @Test
  void listReferrersSupported() throws IOException {
    Digest subject = Digest.sha256(new byte[] {1});
    ImageIndex empty = ImageIndex.of(MediaType.OCI_INDEX, java.util.List.of(), null);
    registry.expect("GET", "/v2/team/app/referrers/" + subject, response(200)
        .setHeader("Content-Type", MediaType.OCI_INDEX.value())
        .body(new String(empty.raw(), java.nio.charset.StandardCharsets.UTF_8))
        .build());

    Optional<ImageIndex> referrers = client.listReferrers(repository, subject, null);

    assertThat(referrers).isPresent();
    assertThat(referrers.get().manifests()).isEmpty();
  }

  @Test
  void listReferrersUnsupported() throws IOException {
    Digest subject = Digest.sha256(new byte[] {1});
    registry.expect("GET", "/v2/team/app/referrers/" + subject, response(404).build());

    assertThat(client.listReferrers(repository, subject, null)).isEmpty();
  }

  @Test
  void listReferrersLoginPage() throws IOException {
    Digest subject = Digest.sha256(new byte[] {1});
    registry.expect("GET", "/v2/team/app/referrers/" + subject, response(200)
        .setHeader("Content-Type", "text/html")
        .body("<html>sign in</html>")
        .build());

    assertThat(client.listReferrers(repository, subject, null)).isEmpty();
  }

  private static mockwebserver3.MockResponse.Builder tags(String array) {
    return response(200)
        .setHeader("Content-Type", "application/json")
        .body("{\"name\":\"team/app\",\"tags\":" + array + "}");
  }
}
