package io.sociindexer.job;

/**
 * Published in the application context after a new job is stored, so that an idle worker on this
 * replica can claim it at once instead of at its next poll.
 */
public record JobEnqueuedEvent(Job job) {}
