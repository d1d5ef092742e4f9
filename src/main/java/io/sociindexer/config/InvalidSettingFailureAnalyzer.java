package io.sociindexer.config;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns a startup failure caused by an invalid {@code soci-indexer.*} setting, found while a
 * bean is built from it, into a short report that names the setting, instead of a stack trace.
 * Such failures are {@link IllegalArgumentException}s whose message starts with the setting name.
 */
public final class InvalidSettingFailureAnalyzer
    extends AbstractFailureAnalyzer<IllegalArgumentException> {

  private static final String PREFIX = "soci-indexer.";

  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, IllegalArgumentException cause) {
    String message = cause.getMessage();
    if (message == null || !message.startsWith(PREFIX)) {
      return null;
    }
    return new FailureAnalysis(
        message,
        "Correct that setting in the configuration and start again; every setting is described"
            + " in docs/configuration/reference.md.",
        cause);
  }
}
