package io.sociindexer.api;

/**
 * The body of {@code POST /api/v1/jobs}.
 *
 * @param image an image reference such as {@code registry.example:5000/app:1.0} or
 *     {@code ghcr.io/org/app@sha256:...}; a name without a registry host means Docker Hub
 */
public record CreateJobRequest(String image) {}
