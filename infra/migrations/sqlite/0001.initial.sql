-- Version 1: the tables Logis created itself before its migrations, with
-- the same DDL. `IF NOT EXISTS` is kept: a store written by that code (it has
-- no migration table) is adopted as it stands. The library's own tables (events,
-- snapshots) stay the library's; the views' per-generation tables are the
-- projector's (infra/rowviews.py). One statement a line, as the code wrote
-- them: a new store's schema reads as an adopted one's.
-- The events' file: seals, keys, idempotency, cipher check, access log,
-- relay and consumer.

CREATE TABLE IF NOT EXISTS event_seals (notification_id INTEGER PRIMARY KEY, originator_id TEXT NOT NULL, originator_version INTEGER NOT NULL, event_hash TEXT NOT NULL, chain_hash TEXT NOT NULL, UNIQUE (originator_id, originator_version));

CREATE TABLE IF NOT EXISTS household_keys (household_id TEXT PRIMARY KEY, key BLOB, created_at TEXT NOT NULL, erased_at TEXT, erased_by TEXT);

CREATE TABLE IF NOT EXISTS household_subjects (originator_id TEXT PRIMARY KEY, household_id TEXT NOT NULL);

CREATE INDEX IF NOT EXISTS household_subjects_household ON household_subjects (household_id);

CREATE TABLE IF NOT EXISTS idempotency_keys (key TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, answer TEXT NOT NULL, originator_id TEXT NOT NULL, originator_version INTEGER NOT NULL, recorded_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ')));

CREATE TABLE IF NOT EXISTS cipher_check (id INTEGER PRIMARY KEY CHECK (id = 1), mode TEXT NOT NULL, canary BLOB);

CREATE TABLE IF NOT EXISTS access_log_seals (id INTEGER PRIMARY KEY, entry_hash TEXT NOT NULL, chain_hash TEXT NOT NULL);

CREATE TABLE IF NOT EXISTS access_log (id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, subject TEXT NOT NULL, role TEXT NOT NULL, organisation TEXT NOT NULL, record_kind TEXT NOT NULL, record_id TEXT NOT NULL, endpoint TEXT NOT NULL, request_id TEXT NOT NULL, categories TEXT NOT NULL);

CREATE INDEX IF NOT EXISTS access_log_record ON access_log (record_id, id);

CREATE INDEX IF NOT EXISTS access_log_subject ON access_log (subject, id);

CREATE INDEX IF NOT EXISTS access_log_at ON access_log (at);

CREATE TRIGGER IF NOT EXISTS access_log_no_update BEFORE UPDATE ON access_log BEGIN SELECT RAISE(ABORT, 'access_log is append-only'); END;

CREATE TRIGGER IF NOT EXISTS access_log_no_delete BEFORE DELETE ON access_log BEGIN SELECT RAISE(ABORT, 'access_log is append-only'); END;

CREATE TRIGGER IF NOT EXISTS access_log_seals_no_update BEFORE UPDATE ON access_log_seals BEGIN SELECT RAISE(ABORT, 'access_log_seals is append-only'); END;

CREATE TRIGGER IF NOT EXISTS access_log_seals_no_delete BEFORE DELETE ON access_log_seals BEGIN SELECT RAISE(ABORT, 'access_log_seals is append-only'); END;

CREATE TABLE IF NOT EXISTS relay_position (name TEXT PRIMARY KEY, position INTEGER NOT NULL, updated_at TEXT NOT NULL);

CREATE TABLE IF NOT EXISTS consumer_offsets (group_id TEXT NOT NULL, topic TEXT NOT NULL, partition INTEGER NOT NULL, next_offset BIGINT NOT NULL, PRIMARY KEY (group_id, topic, partition));

CREATE TABLE IF NOT EXISTS consumed_events (group_id TEXT NOT NULL, event_id TEXT NOT NULL, PRIMARY KEY (group_id, event_id));

CREATE TABLE IF NOT EXISTS commune_dossiers (group_id TEXT NOT NULL, commune TEXT NOT NULL, dossiers_identified BIGINT NOT NULL, events BIGINT NOT NULL, PRIMARY KEY (group_id, commune));

CREATE TABLE IF NOT EXISTS commune_aggregates (group_id TEXT NOT NULL, aggregate_id TEXT NOT NULL, commune TEXT NOT NULL, PRIMARY KEY (group_id, aggregate_id));
