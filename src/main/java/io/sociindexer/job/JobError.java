package io.sociindexer.job;

/**
 * The cause of a failed job attempt, in fields an operator can filter on. None of them carries
 * credentials: messages come from errors that redact them.
 *
 * @param operation what was being done, such as {@code fetch manifest} or {@code index layer}
 * @param registry registry host, or null when the failure was not a registry call
 * @param status HTTP status, 0 when there was no response
 * @param registryCode the registry's error code, such as {@code MANIFEST_UNKNOWN}, or null
 * @param retryable whether another attempt may succeed
 */
public record JobError(
    String operation,
    String registry,
    int status,
    String registryCode,
    String message,
    boolean retryable) {}
