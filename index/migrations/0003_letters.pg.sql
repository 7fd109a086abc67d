-- The letter store (index/db_letter_store.py): original bytes and sidecar metadata.
CREATE TABLE letters (
    name TEXT PRIMARY KEY,
    data BYTEA NOT NULL,
    sidecar JSONB NOT NULL DEFAULT '{}',
    mtime DOUBLE PRECISION NOT NULL);
