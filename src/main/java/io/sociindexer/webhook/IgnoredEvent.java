package io.sociindexer.webhook;

/**
 * An event of a notification that starts no job, and why.
 *
 * @param event the event id the registry gave, or its position such as {@code events[2]} when it
 *     had none
 * @param reason a short sentence, such as "not a push: action is pull"
 */
public record IgnoredEvent(String event, String reason) {}
