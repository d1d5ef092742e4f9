package io.sociindexer.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.sociindexer.api.InMemoryJobStore;
import io.sociindexer.api.IntakeServiceTest;
import io.sociindexer.api.TestHttp;
import io.sociindexer.job.Job;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

@IntakeServiceTest
@TestPropertySource(properties = "soci-indexer.index-untagged-pushes=true")
class UntaggedPushWebhookTest {

  @LocalServerPort int port;
  @Autowired InMemoryJobStore store;

  @Test
  void untaggedChildManifestsAccepted() {
    store.clear();

    HttpResponse<String> response =
        new TestHttp(port)
            .post(
                DistributionWebhookControllerTest.PATH,
                DistributionWebhookControllerTest.EVENTS_V2,
                DistributionWebhookControllerTest.fixture());

    assertThat(response.statusCode()).isEqualTo(202);
    assertThat(store.all()).hasSize(4);
    assertThat(store.all().stream().map(Job::image).map(Object::toString))
        .containsExactly(
            "127.0.0.1:5000/app@sha256:77cd300ffdf16f18318d6059f680f509a8b4572bfd4bfff182497390575a108e",
            "127.0.0.1:5000/app@sha256:fa30a4448bf43e08976add9c5977940c874718b2b519827baa75d412e86886e3",
            "127.0.0.1:5000/app:1.0@sha256:1bc04b5291c26a46d918139138b992d2de976d6851d0893b0476b85bfbdfc6e6",
            "127.0.0.1:5000/team/tool:latest@sha256:8681c395f47a809fefc0e2ef0f85b61e3886bc273ceac84f75b2ba2a116c096c");
  }
}
