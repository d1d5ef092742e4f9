package io.sociindexer.webhook;

/**
 * A webhook delivery whose sender credentials are missing or wrong. The message names the check that failed but never echoes a secret or signature.
 */
public class WebhookAuthenticationException extends Exception {

  public WebhookAuthenticationException(String message) {
    super(message);
  }
}
