-- The retention sweep deletes final jobs by finished_at and zTOC records by recorded_at. Without
-- these indexes each of its DELETE statements would read the whole table. Queued and running
-- jobs have no finished_at, so the jobs index leaves them out.
CREATE INDEX jobs_finished_idx ON jobs (finished_at) WHERE finished_at IS NOT NULL;

CREATE INDEX ztocs_recorded_idx ON ztocs (recorded_at);
