-- The zTOCs that the service pushed, one row per zTOC and repository it was pushed to, so that
-- every replica reuses them for layers shared by several images. The first five columns are the
-- key that decides the zTOC bytes, and registry and repository name where the blob was pushed.
-- recorded_at comes from the database clock and orders the rows of one key.
CREATE TABLE ztocs (
  layer_digest text NOT NULL,
  layer_media_type text NOT NULL,
  span_size bigint NOT NULL,
  build_tool_identifier text NOT NULL,
  format text NOT NULL,
  registry text NOT NULL,
  repository text NOT NULL,
  ztoc_digest text NOT NULL,
  ztoc_size bigint NOT NULL,
  entries integer NOT NULL,
  spans integer NOT NULL,
  uncompressed_size bigint NOT NULL,
  recorded_at timestamptz NOT NULL,
  -- A lookup filters on the zTOC key and the registry, the leading columns of this index.
  PRIMARY KEY (layer_digest, layer_media_type, span_size, build_tool_identifier, format, registry,
    repository)
);
