-- The job queue. Timestamps come from the database clock (CURRENT_TIMESTAMP), so replicas
-- agree on lease expiry even when their own clocks differ.
CREATE TABLE jobs (
  id uuid PRIMARY KEY,
  -- Insertion order, which breaks ties between jobs created in the same microsecond.
  seq bigint GENERATED ALWAYS AS IDENTITY,
  registry text NOT NULL,
  repository text NOT NULL,
  tag text,
  manifest_digest text,
  state varchar(16) NOT NULL
    CHECK (state IN ('queued', 'running', 'succeeded', 'skipped', 'failed', 'cancelled')),
  source text NOT NULL,
  attempts integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL,
  started_at timestamptz,
  finished_at timestamptz,
  run_after timestamptz NOT NULL,
  lease_owner text,
  lease_until timestamptz,
  layers_done integer NOT NULL DEFAULT 0,
  layers_total integer NOT NULL DEFAULT 0,
  bytes_done bigint NOT NULL DEFAULT 0,
  bytes_total bigint NOT NULL DEFAULT 0,
  -- JobResult and JobError as JSON text.
  result text,
  error text
);

-- At most one active job per image, enforced by the database so that replicas enqueueing the
-- same push at once still create one job.
CREATE UNIQUE INDEX jobs_active_image_key ON jobs (registry, repository, manifest_digest)
  WHERE state IN ('queued', 'running') AND manifest_digest IS NOT NULL;

-- Claim order: the oldest active job first.
CREATE INDEX jobs_claim_idx ON jobs (created_at, seq) WHERE state IN ('queued', 'running');

CREATE INDEX jobs_image_state_idx ON jobs (registry, repository, manifest_digest, state);

CREATE INDEX jobs_created_idx ON jobs (created_at DESC, seq DESC);

CREATE INDEX jobs_state_created_idx ON jobs (state, created_at DESC, seq DESC);
