-- The retention sweep deletes final jobs by finished_at and zTOC records by recorded_at. Without
-- these indexes each of its DELETE statements would read the whole table.
CREATE INDEX jobs_finished_idx ON jobs (finished_at);

CREATE INDEX ztocs_recorded_idx ON ztocs (recorded_at);
