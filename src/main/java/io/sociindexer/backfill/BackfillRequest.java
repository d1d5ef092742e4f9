package io.sociindexer.backfill;

import io.sociindexer.json.StrictStringDeserializer;
import io.swagger.v3.oas.annotations.media.Schema;
import tools.jackson.databind.annotation.JsonDeserialize;

/**
 * The body of {@code POST /api/v1/backfill}.
 *
 * @param repository a repository such as {@code registry.example:5000/team/app}, without tag or
 *     digest; a name without a registry host means Docker Hub
 * @param tagGlob the tags to consider, where {@code *} matches any text and {@code ?} one
 *     character; null or blank means every tag
 */
@Schema(example = "{\"repository\": \"registry.example.com/team/app\", \"tagGlob\": \"v1.*\"}")
public record BackfillRequest(
    @JsonDeserialize(using = StrictStringDeserializer.class) String repository,
    @JsonDeserialize(using = StrictStringDeserializer.class) String tagGlob) {}
