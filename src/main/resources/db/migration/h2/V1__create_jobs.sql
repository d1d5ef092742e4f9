-- The job queue. Timestamps come from the database clock (CURRENT_TIMESTAMP), so every writer
-- agrees on lease expiry.
CREATE TABLE jobs (
  id UUID PRIMARY KEY,
  -- Insertion order, which breaks ties between jobs created in the same microsecond.
  seq BIGINT GENERATED ALWAYS AS IDENTITY,
  registry VARCHAR NOT NULL,
  repository VARCHAR NOT NULL,
  tag VARCHAR,
  manifest_digest VARCHAR,
  state VARCHAR(16) NOT NULL
    CHECK (state IN ('queued', 'running', 'succeeded', 'skipped', 'failed', 'cancelled')),
  source VARCHAR NOT NULL,
  attempts INTEGER DEFAULT 0 NOT NULL,
  created_at TIMESTAMP WITH TIME ZONE NOT NULL,
  started_at TIMESTAMP WITH TIME ZONE,
  finished_at TIMESTAMP WITH TIME ZONE,
  run_after TIMESTAMP WITH TIME ZONE NOT NULL,
  lease_owner VARCHAR,
  lease_until TIMESTAMP WITH TIME ZONE,
  layers_done INTEGER DEFAULT 0 NOT NULL,
  layers_total INTEGER DEFAULT 0 NOT NULL,
  bytes_done BIGINT DEFAULT 0 NOT NULL,
  bytes_total BIGINT DEFAULT 0 NOT NULL,
  -- JobResult and JobError as JSON text.
  result VARCHAR,
  error VARCHAR,
  -- H2 has no partial indexes, so the active-image key is a generated column that is NULL for
  -- final jobs and jobs without a digest. A unique index allows any number of NULLs. Registry
  -- hosts contain no '/' and repositories no '@', so the key is unambiguous.
  active_image_key VARCHAR GENERATED ALWAYS AS (
    CASE
      WHEN state IN ('queued', 'running') AND manifest_digest IS NOT NULL
        THEN registry || '/' || repository || '@' || manifest_digest
    END)
);

-- At most one active job per image.
CREATE UNIQUE INDEX jobs_active_image_key ON jobs (active_image_key);

-- Claim order: the oldest active job first.
CREATE INDEX jobs_claim_idx ON jobs (state, created_at, seq);

CREATE INDEX jobs_image_state_idx ON jobs (registry, repository, manifest_digest, state);

CREATE INDEX jobs_created_idx ON jobs (created_at DESC, seq DESC);

CREATE INDEX jobs_state_created_idx ON jobs (state, created_at DESC, seq DESC);
