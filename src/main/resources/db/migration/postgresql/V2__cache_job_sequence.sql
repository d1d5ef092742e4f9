-- Keeps the migration versions of both databases aligned. PostgreSQL caches sequence values per
-- session, so a cache on seq would break its insertion order between replicas; it keeps the
-- default of 1, and this migration only documents the column.
COMMENT ON COLUMN jobs.seq IS 'Insertion order; breaks ties between jobs created at the same time.';
