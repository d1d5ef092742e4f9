package io.sociindexer.config;

import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.BindingResult;
import org.springframework.validation.Errors;
import org.springframework.validation.FieldError;
import org.springframework.validation.Validator;
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
public class ApiProperties implements Validator {

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

  @Override
  public boolean supports(Class<?> type) {
    return ApiProperties.class.isAssignableFrom(type);
  }

  /**
   * Checks the tokens and the body size limit. Each error names the bean property, such as {@code
   * tokens}, which Spring Boot's startup report shows as {@code soci-indexer.api.tokens}, and never
   * shows a token: the value of a token error is a count. Spring Boot applies this because the
   * class implements {@link Validator}. An {@code @AssertTrue} method would name a property after
   * the method, such as tokenListValid, with the value false.
   */
  @Override
  public void validate(Object target, Errors errors) {
    ApiProperties properties = (ApiProperties) target;
    List<String> problems = tokenProblems(properties.tokens);
    if (!problems.isEmpty()) {
      int count = properties.tokens.size();
      rejectTokens(
          errors,
          "(" + count + (count == 1 ? " token" : " tokens") + ", not shown)",
          String.join(", ", problems) + ": each token in soci-indexer.api.tokens must have at"
              + " least " + MIN_TOKEN_LENGTH + " characters and no whitespace; generate one with:"
              + " openssl rand -hex 32");
    }

    DataSize size = properties.maxBodySize;
    if (size == null || size.toBytes() <= 0) {
      errors.rejectValue(
          "maxBodySize", "positive", "soci-indexer.api.max-body-size must be greater than zero");
    }
  }

  /** Returns what is wrong with each unusable token, by position, such as "token 1 of 2 ...". */
  private static List<String> tokenProblems(List<String> tokens) {
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < tokens.size(); i++) {
      String token = tokens.get(i);
      if (isUsableToken(token)) {
        continue;
      }
      String what =
          token != null && token.length() >= MIN_TOKEN_LENGTH
              ? "contains whitespace"
              : "has " + (token == null ? 0 : token.length()) + " characters";
      problems.add("token " + (i + 1) + " of " + tokens.size() + " " + what);
    }
    return problems;
  }

  /**
   * Adds an error on the field {@code tokens} with {@code reportedValue} as its value, which Spring
   * Boot's startup report prints. {@link Errors#rejectValue} would take the bound list of tokens.
   */
  private static void rejectTokens(Errors errors, String reportedValue, String message) {
    if (!(errors instanceof BindingResult result)) {
      errors.reject("tokens.invalid", message);
      return;
    }
    String[] codes = result.resolveMessageCodes("invalid", "tokens");
    result.addError(
        new FieldError(result.getObjectName(), "tokens", reportedValue, false, codes, null, message));
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
