-- The zTOCs that the service pushed, one row per zTOC and repository it was pushed to, so that
-- every replica reuses them for layers shared by several images. The first five columns are the
-- key that decides the zTOC bytes, and registry and repository name where the blob was pushed.
-- recorded_at comes from the database clock and orders the rows of one key.
CREATE TABLE ztocs (
  layer_digest VARCHAR NOT NULL,
  layer_media_type VARCHAR NOT NULL,
  span_size BIGINT NOT NULL,
  build_tool_identifier VARCHAR NOT NULL,
  format VARCHAR NOT NULL,
  registry VARCHAR NOT NULL,
  repository VARCHAR NOT NULL,
  ztoc_digest VARCHAR NOT NULL,
  ztoc_size BIGINT NOT NULL,
  entries INTEGER NOT NULL,
  spans INTEGER NOT NULL,
  uncompressed_size BIGINT NOT NULL,
  recorded_at TIMESTAMP WITH TIME ZONE NOT NULL,
  -- A lookup filters on the zTOC key and the registry, the leading columns of this index.
  PRIMARY KEY (layer_digest, layer_media_type, span_size, build_tool_identifier, format, registry,
    repository)
);
