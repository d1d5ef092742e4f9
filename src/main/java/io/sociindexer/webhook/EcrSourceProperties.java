package io.sociindexer.webhook;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the {@code ecr} webhook source under {@code soci-indexer.webhook.sources.ecr}.
 *
 * <p>EventBridge signs nothing that this service could check without fetching AWS certificates, so
 * the sender proves itself with a shared header: the API destination's Connection adds it (API key
 * or Basic auth), and an SNS HTTPS subscription sends Basic auth taken from the {@code
 * user:password@} part of its endpoint URL. A delivery is accepted only when header {@link
 * #getHeaderName()} equals {@link #getHeaderValue()}.
 */
@ConfigurationProperties("soci-indexer.webhook.sources.ecr")
public class EcrSourceProperties {

  /** Name of the header the EventBridge Connection or SNS adds, such as {@code x-api-key}. */
  private String headerName = "x-api-key";

  /**
   * Expected value of that header, such as the API key or {@code Basic <base64 user:password>}.
   * When empty, every delivery is rejected unless {@code allow-unauthenticated} is true.
   */
  private String headerValue = "";

  /** Accepts deliveries without the header; only for tests on a closed network. */
  private boolean allowUnauthenticated;

  public String getHeaderName() {
    return headerName;
  }

  public void setHeaderName(String headerName) {
    this.headerName = headerName;
  }

  public String getHeaderValue() {
    return headerValue;
  }

  public void setHeaderValue(String headerValue) {
    this.headerValue = headerValue;
  }

  public boolean isAllowUnauthenticated() {
    return allowUnauthenticated;
  }

  public void setAllowUnauthenticated(boolean allowUnauthenticated) {
    this.allowUnauthenticated = allowUnauthenticated;
  }
}
