-- Published index builds (index/db_builds.py): the manifest as JSON of its pydantic models,
-- one row per passage with its vector, and the pointer to the build that serves.
CREATE TABLE builds (
    id BIGSERIAL PRIMARY KEY,
    header JSONB NOT NULL,          -- Manifest without letters and chunks (format, model, chunker, built_at)
    letters JSONB NOT NULL,         -- list of LetterEntry
    chunk_count INTEGER NOT NULL,
    dim INTEGER NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now());
CREATE TABLE build_chunks (
    build_id BIGINT NOT NULL REFERENCES builds (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    chunk JSONB NOT NULL,           -- StoredChunk
    vector BYTEA NOT NULL,          -- float32, little-endian, dim values
    PRIMARY KEY (build_id, position));
CREATE TABLE current_build (
    singleton BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (singleton),
    build_id BIGINT NOT NULL REFERENCES builds (id));
