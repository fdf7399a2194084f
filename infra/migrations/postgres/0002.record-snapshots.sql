-- Version 2: the records' snapshots (infra/snapshots.py), a cache of a record's
-- state at some of its versions, never evidence: each names the seal of its
-- last event (`event_hash`), and a household's record is encrypted under the
-- household's key. `fingerprint` is the domain code's that wrote it.

CREATE TABLE IF NOT EXISTS "public"."logis_record_snapshots" (originator_id uuid NOT NULL, fingerprint text NOT NULL, originator_version bigint NOT NULL, topic text NOT NULL, class_version integer NOT NULL, event_hash text NOT NULL, recorded_until bigint NOT NULL, happened_until integer, household_id uuid, state bytea NOT NULL, PRIMARY KEY (originator_id, fingerprint, originator_version));
