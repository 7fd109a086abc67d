-- The bot's state (bot/state.py). Runs on SQLite and PostgreSQL alike.
CREATE TABLE IF NOT EXISTS events (event_id TEXT PRIMARY KEY, seen_at DOUBLE PRECISION NOT NULL);
CREATE TABLE IF NOT EXISTS threads (
    channel TEXT NOT NULL, thread_ts TEXT NOT NULL, question TEXT, letter_id TEXT,
    PRIMARY KEY (channel, thread_ts));
CREATE TABLE IF NOT EXISTS answers (
    id TEXT PRIMARY KEY, question TEXT NOT NULL, letter_ids TEXT NOT NULL, focus TEXT,
    created_at DOUBLE PRECISION NOT NULL);
CREATE TABLE IF NOT EXISTS votes (
    answer_id TEXT NOT NULL, user_id TEXT NOT NULL, vote INTEGER NOT NULL, question TEXT NOT NULL,
    letter_ids TEXT NOT NULL, voted_at DOUBLE PRECISION NOT NULL, PRIMARY KEY (answer_id, user_id));
CREATE TABLE IF NOT EXISTS announcements (
    letter_id TEXT PRIMARY KEY, status TEXT NOT NULL, channel TEXT, ts TEXT,
    updated_at DOUBLE PRECISION NOT NULL);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
