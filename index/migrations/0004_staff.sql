-- Questions for the staff report and letters awaiting a staff member's confirmation
-- (bot/state.py). Runs on SQLite and PostgreSQL alike (BYTEA stores a blob on SQLite too).
CREATE TABLE IF NOT EXISTS questions (
    id TEXT PRIMARY KEY, question TEXT NOT NULL, asked_at DOUBLE PRECISION NOT NULL, found INTEGER NOT NULL,
    answer_id TEXT);
CREATE INDEX IF NOT EXISTS questions_asked_at ON questions (asked_at);
CREATE TABLE IF NOT EXISTS pending_letters (
    id TEXT PRIMARY KEY, user_id TEXT NOT NULL, name TEXT NOT NULL, data BYTEA NOT NULL, sidecar TEXT NOT NULL,
    created_at DOUBLE PRECISION NOT NULL);
