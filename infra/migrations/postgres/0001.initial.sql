-- Version 1: the tables Logis created itself before its migrations, with
-- the same DDL. `IF NOT EXISTS` is kept: a store written by that code (it has
-- no migration table) is adopted as it stands. The library's own tables (events,
-- snapshots) stay the library's; the views' per-generation tables are the
-- projector's (infra/rowviews.py). One statement a line, as the code wrote
-- them: a new store's schema reads as an adopted one's.
-- One database for both sides; names as the recorder gives them (`logis_`
-- prefix, schema public) and, for the relay and the views, unqualified. See
-- sqlite_views/ for the generations' partial unique indexes.

CREATE TABLE IF NOT EXISTS "public"."logis_event_seals" (notification_id bigint PRIMARY KEY, originator_id uuid NOT NULL, originator_version bigint NOT NULL, event_hash text NOT NULL, chain_hash text NOT NULL, UNIQUE (originator_id, originator_version));

CREATE TABLE IF NOT EXISTS "public"."logis_household_keys" (household_id uuid PRIMARY KEY, key bytea, created_at timestamptz NOT NULL, erased_at timestamptz, erased_by text);

CREATE TABLE IF NOT EXISTS "public"."logis_household_subjects" (originator_id uuid PRIMARY KEY, household_id uuid NOT NULL);

CREATE INDEX IF NOT EXISTS "logis_household_subjects_household" ON "public"."logis_household_subjects" (household_id);

CREATE TABLE IF NOT EXISTS "public"."logis_idempotency_keys" (key text PRIMARY KEY, fingerprint text NOT NULL, answer jsonb NOT NULL, originator_id uuid NOT NULL, originator_version bigint NOT NULL, recorded_at timestamptz NOT NULL DEFAULT now());

CREATE TABLE IF NOT EXISTS "public"."logis_cipher_check" (id int PRIMARY KEY CHECK (id = 1), mode text NOT NULL, canary bytea);

CREATE TABLE IF NOT EXISTS "public"."logis_access_log" (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, at timestamptz NOT NULL, subject text NOT NULL, role text NOT NULL, organisation text NOT NULL, record_kind text NOT NULL, record_id uuid NOT NULL, endpoint text NOT NULL, request_id text NOT NULL, categories jsonb NOT NULL);

CREATE INDEX IF NOT EXISTS "logis_access_log_record" ON "public"."logis_access_log" (record_id, id);

CREATE INDEX IF NOT EXISTS "logis_access_log_subject" ON "public"."logis_access_log" (subject, id);

CREATE INDEX IF NOT EXISTS "logis_access_log_at" ON "public"."logis_access_log" (at);

CREATE OR REPLACE FUNCTION "public"."logis_access_log_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'the access log is append-only'; END $$;

CREATE OR REPLACE TRIGGER "logis_access_log_no_change" BEFORE UPDATE OR DELETE ON "public"."logis_access_log" FOR EACH ROW EXECUTE FUNCTION "public"."logis_access_log_append_only"();

CREATE TABLE IF NOT EXISTS "public"."logis_access_log_seals" (id bigint PRIMARY KEY, entry_hash text NOT NULL, chain_hash text NOT NULL);

CREATE OR REPLACE TRIGGER "logis_access_log_seals_no_change" BEFORE UPDATE OR DELETE ON "public"."logis_access_log_seals" FOR EACH ROW EXECUTE FUNCTION "public"."logis_access_log_append_only"();

CREATE TABLE IF NOT EXISTS relay_position (name TEXT PRIMARY KEY, position BIGINT NOT NULL, updated_at TEXT NOT NULL);

CREATE TABLE IF NOT EXISTS "public"."logis_consumer_offsets" (group_id TEXT NOT NULL, topic TEXT NOT NULL, partition INTEGER NOT NULL, next_offset BIGINT NOT NULL, PRIMARY KEY (group_id, topic, partition));

CREATE TABLE IF NOT EXISTS "public"."logis_consumed_events" (group_id TEXT NOT NULL, event_id TEXT NOT NULL, PRIMARY KEY (group_id, event_id));

CREATE TABLE IF NOT EXISTS "public"."logis_commune_dossiers" (group_id TEXT NOT NULL, commune TEXT NOT NULL, dossiers_identified BIGINT NOT NULL, events BIGINT NOT NULL, PRIMARY KEY (group_id, commune));

CREATE TABLE IF NOT EXISTS "public"."logis_commune_aggregates" (group_id TEXT NOT NULL, aggregate_id TEXT NOT NULL, commune TEXT NOT NULL, PRIMARY KEY (group_id, aggregate_id));

CREATE TABLE IF NOT EXISTS projection_generations (name TEXT NOT NULL, generation INTEGER NOT NULL, version INTEGER NOT NULL, state TEXT NOT NULL, created_at TEXT NOT NULL, switched_at TEXT, PRIMARY KEY (name, generation));

CREATE UNIQUE INDEX IF NOT EXISTS projection_generations_one_active ON projection_generations (name) WHERE state = 'active';

CREATE UNIQUE INDEX IF NOT EXISTS projection_generations_one_building ON projection_generations (name) WHERE state = 'building';

CREATE TABLE IF NOT EXISTS projection_tracking (view TEXT NOT NULL, application_name TEXT NOT NULL, notification_id BIGINT NOT NULL, PRIMARY KEY (view, application_name));

CREATE TABLE IF NOT EXISTS projection_failures (view TEXT PRIMARY KEY, name TEXT NOT NULL, generation INTEGER NOT NULL, position BIGINT NOT NULL, topic TEXT NOT NULL, originator_id TEXT NOT NULL, error TEXT NOT NULL, message TEXT NOT NULL, attempts INTEGER NOT NULL, first_failed_at TEXT NOT NULL, last_failed_at TEXT NOT NULL);
