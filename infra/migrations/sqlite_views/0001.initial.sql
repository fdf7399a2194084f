-- Version 1: the tables Logis created itself before its migrations, with
-- the same DDL. `IF NOT EXISTS` is kept: a store written by that code (it has
-- no migration table) is adopted as it stands. The library's own tables (events,
-- snapshots) stay the library's; the views' per-generation tables are the
-- projector's (infra/rowviews.py). One statement a line, as the code wrote
-- them: a new store's schema reads as an adopted one's.
-- The views' file (<store>-views.sqlite3): the generations' registry,
-- tracking and failures. The two partial unique indexes keep one generation
-- readers use and one being built per projection: two projectors starting a
-- rebuild at once cannot both create one.

CREATE TABLE IF NOT EXISTS projection_generations (name TEXT NOT NULL, generation INTEGER NOT NULL, version INTEGER NOT NULL, state TEXT NOT NULL, created_at TEXT NOT NULL, switched_at TEXT, PRIMARY KEY (name, generation));

CREATE UNIQUE INDEX IF NOT EXISTS projection_generations_one_active ON projection_generations (name) WHERE state = 'active';

CREATE UNIQUE INDEX IF NOT EXISTS projection_generations_one_building ON projection_generations (name) WHERE state = 'building';

CREATE TABLE IF NOT EXISTS projection_tracking (view TEXT NOT NULL, application_name TEXT NOT NULL, notification_id BIGINT NOT NULL, PRIMARY KEY (view, application_name));

CREATE TABLE IF NOT EXISTS projection_failures (view TEXT PRIMARY KEY, name TEXT NOT NULL, generation INTEGER NOT NULL, position BIGINT NOT NULL, topic TEXT NOT NULL, originator_id TEXT NOT NULL, error TEXT NOT NULL, message TEXT NOT NULL, attempts INTEGER NOT NULL, first_failed_at TEXT NOT NULL, last_failed_at TEXT NOT NULL);
