package io.sociindexer.api;

import io.sociindexer.json.StrictStringDeserializer;
import io.swagger.v3.oas.annotations.media.Schema;
import tools.jackson.databind.annotation.JsonDeserialize;

/**
 * The body of {@code POST /api/v1/jobs}.
 *
 * @param image an image reference such as {@code registry.example:5000/app:1.0} or
 *     {@code ghcr.io/org/app@sha256:...}; a name without a registry host means Docker Hub
 */
@Schema(example = "{\"image\": \"registry.example.com/app:1.0\"}")
public record CreateJobRequest(
    @JsonDeserialize(using = StrictStringDeserializer.class) String image) {}
