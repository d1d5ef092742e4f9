package io.sociindexer.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.sociindexer.config.ApiProperties;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/** The filter's modes and the parsing of the Authorization header, without a server. */
@ExtendWith(OutputCaptureExtension.class)
class ApiAuthenticationFilterTest {

  static final String TOKEN = "filter-test-token-0123456789";

  static ApiAuthenticationFilter filter(ApiProperties.Authentication mode, List<String> tokens) {
    ApiProperties properties = new ApiProperties();
    properties.setAuthentication(mode);
    properties.setTokens(tokens);
    return new ApiAuthenticationFilter(properties);
  }

  static MockHttpServletResponse get(ApiAuthenticationFilter filter, String path) throws Exception {
    MockHttpServletRequest request = new MockHttpServletRequest("GET", path);
    request.setServletPath(path);
    MockHttpServletResponse response = new MockHttpServletResponse();
    filter.doFilter(request, response, new MockFilterChain());
    return response;
  }

  @Test
  void noTokensRejectWithHowTo(CapturedOutput output) throws Exception {
    ApiAuthenticationFilter filter = filter(ApiProperties.Authentication.TOKEN, List.of());

    MockHttpServletResponse response = get(filter, "/api/v1/jobs");

    assertThat(response.getStatus()).isEqualTo(401);
    assertThat(response.getHeaders("WWW-Authenticate")).contains("Bearer realm=\"soci-indexer\"");
    assertThat(response.getContentAsString())
        .contains("the service has none configured: set soci-indexer.api.tokens or"
            + " soci-indexer.api.token-files, or set soci-indexer.api.authentication=none");
    assertThat(output).contains("no API token is configured");
  }

  @Test
  void noneModeLetsEveryoneIn(CapturedOutput output) throws Exception {
    ApiAuthenticationFilter filter = filter(ApiProperties.Authentication.NONE, List.of());

    MockHttpServletResponse page = get(filter, "/");
    MockHttpServletResponse jobs = get(filter, "/api/v1/jobs");

    assertThat(page.getStatus()).isEqualTo(200);
    assertThat(jobs.getStatus()).isEqualTo(200);
    assertThat(output).contains("WARN").contains("API authentication is off");
  }

  @Test
  void noneModeWarnsTokensUnused(CapturedOutput output) {
    filter(ApiProperties.Authentication.NONE, List.of(TOKEN));

    assertThat(output).contains("WARN");
    assertThat(output)
        .containsOnlyOnce("API tokens are configured but not used")
        .contains("tokens=1 token.files=0");
    assertThat(output).doesNotContain(TOKEN);
  }

  @Test
  void noneModeWithoutTokensQuiet(CapturedOutput output) {
    filter(ApiProperties.Authentication.NONE, List.of());

    assertThat(output).doesNotContain("not used");
  }

  @Test
  void missingTokenFileLoggedAtStartup(CapturedOutput output, @TempDir Path dir) throws Exception {
    Path file = dir.resolve("not-mounted-yet");
    ApiProperties properties = new ApiProperties();
    properties.setTokens(List.of(TOKEN));
    properties.setTokenFiles(List.of(file));

    ApiAuthenticationFilter filter = new ApiAuthenticationFilter(properties);

    assertThat(output).contains("ERROR").contains("cannot read API token file");
    String fileToken = "file-token-0123456789abcdef";
    Files.writeString(file, fileToken + "\n");
    MockHttpServletRequest request = new MockHttpServletRequest("GET", "/api/v1/jobs");
    request.setServletPath("/api/v1/jobs");
    request.addHeader("Authorization", "Bearer " + fileToken);
    MockHttpServletResponse response = new MockHttpServletResponse();
    filter.doFilter(request, response, new MockFilterChain());
    assertThat(response.getStatus()).isEqualTo(200);
  }

  @Test
  void openPathsPassWithoutTokens() throws Exception {
    ApiAuthenticationFilter filter = filter(ApiProperties.Authentication.TOKEN, List.of());

    for (String path :
        List.of("/webhooks/harbor", "/actuator/health", "/actuator/health/readiness",
            "/actuator/prometheus", "/actuator/info", "/v3/api-docs", "/v3/api-docs/swagger-config")) {
      assertThat(get(filter, path).getStatus()).as(path).isEqualTo(200);
    }
    for (String path : List.of("/", "/actuator", "/actuator/env", "/webhooks", "/api/v1/backfill")) {
      assertThat(get(filter, path).getStatus()).as(path).isEqualTo(401);
    }
  }

  @Test
  void presentedTokenParsed() {
    assertThat(ApiAuthenticationFilter.presentedToken("Bearer " + TOKEN)).isEqualTo(TOKEN);
    assertThat(ApiAuthenticationFilter.presentedToken("BEARER  " + TOKEN + " ")).isEqualTo(TOKEN);
    assertThat(ApiAuthenticationFilter.presentedToken("Basic dXNlcjpzM2NyZXQ=")).isEqualTo("s3cret");
    assertThat(ApiAuthenticationFilter.presentedToken("Basic OnMzY3JldA==")).isEqualTo("s3cret");
    assertThat(ApiAuthenticationFilter.presentedToken("Basic dXNlcjo=")).isNull();
    assertThat(ApiAuthenticationFilter.presentedToken("Basic %%%")).isNull();
    assertThat(ApiAuthenticationFilter.presentedToken("Digest " + TOKEN)).isNull();
    assertThat(ApiAuthenticationFilter.presentedToken(TOKEN)).isNull();
    assertThat(ApiAuthenticationFilter.presentedToken(null)).isNull();
  }
}
