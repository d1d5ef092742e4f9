package io.sociindexer.config;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Access to the job API, the backfill API and the status page, under the prefix {@code
 * soci-indexer.api}. A request presents one of the tokens as {@code Authorization: Bearer
 * <token>}, or as the password of HTTP basic authentication so that a browser can open the
 * status page. Webhooks, the health probes, the Prometheus scrape and the OpenAPI description do
 * not need a token.
 */
@ConfigurationProperties("soci-indexer.api")
@Validated
public class ApiProperties {

  /** Shortest token accepted, so that a placeholder such as "changeme" fails at startup. */
  public static final int MIN_TOKEN_LENGTH = 16;

  /**
   * Authentication mode of the API and the status page. {@code token} requires one of the
   * configured tokens and returns 401 while none is configured. {@code none} lets every client
   * in, for a network where only trusted clients reach the port.
   */
  @NotNull private Authentication authentication = Authentication.TOKEN;

  /**
   * Accepted bearer tokens, at least 16 characters each. Several tokens allow rotation: add the
   * new one, move the clients, then remove the old one. Use placeholders such as {@code
   * ${SOCI_INDEXER_API_TOKEN}} to keep the values out of the file.
   */
  @NotNull private List<String> tokens = new ArrayList<>();

  /**
   * Files with one accepted token a line, such as a mounted Kubernetes Secret. Blank lines and
   * lines that start with # are skipped. A file is read again when its modification time changes,
   * so a rotated Secret takes effect without a restart.
   */
  @NotNull private List<Path> tokenFiles = new ArrayList<>();

  /**
   * Largest request body of the job API, the backfill API and every other endpoint except the
   * webhooks, whose limit is soci-indexer.webhook.max-body-size. A larger body is rejected with
   * 413.
   */
  @NotNull private DataSize maxBodySize = DataSize.ofKilobytes(64);

  /** Values of {@code soci-indexer.api.authentication}. */
  public enum Authentication {
    /** Requests need one of the configured tokens. */
    TOKEN,
    /** Every request is let in; only for networks where no other client reaches the port. */
    NONE
  }

  @AssertTrue(message = "soci-indexer.api.max-body-size must be greater than zero")
  boolean isMaxBodySizePositive() {
    return maxBodySize != null && maxBodySize.toBytes() > 0;
  }

  @AssertTrue(
      message = "each token in soci-indexer.api.tokens must have at least 16 characters and no"
          + " whitespace; generate one with: openssl rand -hex 32")
  boolean isTokenListValid() {
    return tokens.stream().allMatch(ApiProperties::isUsableToken);
  }

  /** Returns whether {@code token} is long enough and free of whitespace, which headers strip. */
  public static boolean isUsableToken(String token) {
    return token != null
        && token.length() >= MIN_TOKEN_LENGTH
        && token.chars().noneMatch(Character::isWhitespace);
  }

  public Authentication getAuthentication() {
    return authentication;
  }

  public void setAuthentication(Authentication authentication) {
    this.authentication = authentication;
  }

  public List<String> getTokens() {
    return tokens;
  }

  public void setTokens(List<String> tokens) {
    this.tokens = tokens;
  }

  public List<Path> getTokenFiles() {
    return tokenFiles;
  }

  public void setTokenFiles(List<Path> tokenFiles) {
    this.tokenFiles = tokenFiles;
  }

  public DataSize getMaxBodySize() {
    return maxBodySize;
  }

  public void setMaxBodySize(DataSize maxBodySize) {
    this.maxBodySize = maxBodySize;
  }

  /** Hides the tokens, so that logging the settings never prints them. */
  @Override
  public String toString() {
    return "ApiProperties[authentication=" + authentication + ", tokens=" + tokens.size()
        + ", tokenFiles=" + tokenFiles + ", maxBodySize=" + maxBodySize + "]";
  }
}
