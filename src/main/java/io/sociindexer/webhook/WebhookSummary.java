package io.sociindexer.webhook;

import java.util.List;

/**
 * The reply to a notification, sent once every job it starts is stored.
 *
 * @param accepted events that stored a new job
 * @param duplicates events whose image already has a queued or running job, so no job was added
 * @param ignored events that start no job, each with the reason
 */
public record WebhookSummary(int accepted, int duplicates, List<IgnoredEvent> ignored) {

  public WebhookSummary {
    ignored = List.copyOf(ignored);
  }
}
