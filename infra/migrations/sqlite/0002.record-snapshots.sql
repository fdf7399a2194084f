-- Version 2: the records' snapshots (infra/snapshots.py), a cache of a record's
-- state at some of its versions, never evidence: each names the seal of its
-- last event (`event_hash`), and a household's record is encrypted under the
-- household's key. `fingerprint` is the domain code's that wrote it.

CREATE TABLE IF NOT EXISTS record_snapshots (originator_id TEXT NOT NULL, fingerprint TEXT NOT NULL, originator_version INTEGER NOT NULL, topic TEXT NOT NULL, class_version INTEGER NOT NULL, event_hash TEXT NOT NULL, recorded_until INTEGER NOT NULL, happened_until INTEGER, household_id TEXT, state BLOB NOT NULL, PRIMARY KEY (originator_id, fingerprint, originator_version));
