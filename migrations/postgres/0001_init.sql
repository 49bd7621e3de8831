-- kbforge store, version 1 (Postgres). Keep in step with ../sqlite/0001_init.sql.
-- Timestamps are RFC 3339 text; booleans are 0/1; vectors are little-endian f32 blobs.

CREATE TABLE tickets (
    id           TEXT PRIMARY KEY,          -- "<source>:<external id>", e.g. "omnidesk:10001"
    source       TEXT NOT NULL,
    external_id  TEXT NOT NULL,
    subject      TEXT NOT NULL,
    status       TEXT NOT NULL,
    channel      TEXT NOT NULL,
    language     TEXT NOT NULL,
    labels       TEXT NOT NULL,             -- JSON array of label titles
    rating       TEXT NOT NULL,             -- "", "high", "middle", "low"
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    content_hash TEXT NOT NULL              -- hash of the ticket and its messages as ingested
);

CREATE TABLE messages (
    id          TEXT PRIMARY KEY,           -- "<ticket id>:<external message id>"
    ticket_id   TEXT NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
    position    BIGINT NOT NULL,
    author      TEXT NOT NULL,              -- "customer" or "staff"
    internal    BIGINT NOT NULL,            -- 1 = internal note, never published
    body        TEXT NOT NULL,              -- raw text as ingested
    created_at  TEXT NOT NULL,
    clean_body  TEXT,                       -- cleaned and redacted, set by the clean stage
    clean_hash  TEXT                        -- hash of `body` that `clean_body` was made from
);
CREATE INDEX messages_ticket ON messages(ticket_id, position);

CREATE TABLE regulations (
    id           TEXT PRIMARY KEY,          -- path relative to the regulations folder
    title        TEXT NOT NULL,
    body         TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);

CREATE TABLE quarantine (
    id          BIGSERIAL PRIMARY KEY,
    stage       TEXT NOT NULL,
    source      TEXT NOT NULL,              -- file or API the record came from
    location    TEXT NOT NULL,              -- line number, record id or JSON path
    field       TEXT NOT NULL,
    reason      TEXT NOT NULL,
    raw         TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    UNIQUE (stage, source, location)
);

CREATE TABLE qa_pairs (
    ticket_id     TEXT PRIMARY KEY REFERENCES tickets(id) ON DELETE CASCADE,
    question      TEXT NOT NULL,            -- cleaned, redacted opening customer message
    answer        TEXT NOT NULL,            -- cleaned, redacted resolving staff reply ("" if none)
    topic         TEXT NOT NULL,
    language      TEXT NOT NULL,
    rating        TEXT NOT NULL,
    has_note      BIGINT NOT NULL,
    kind          TEXT NOT NULL DEFAULT '', -- flat / needs-action / empty / other, set by classify
    kind_reason   TEXT NOT NULL DEFAULT '',
    updated_at    TEXT NOT NULL
);

CREATE TABLE embeddings (
    model      TEXT NOT NULL,
    text_hash  TEXT NOT NULL,
    vector     BYTEA NOT NULL,
    PRIMARY KEY (model, text_hash)
);

CREATE TABLE clusters (
    id         TEXT PRIMARY KEY,
    size       BIGINT NOT NULL,
    kind       TEXT NOT NULL,
    topic      TEXT NOT NULL,
    medoid     TEXT NOT NULL,               -- ticket id of the most central question
    updated_at TEXT NOT NULL
);

CREATE TABLE cluster_members (
    ticket_id  TEXT PRIMARY KEY,
    cluster_id TEXT NOT NULL,
    similarity DOUBLE PRECISION NOT NULL    -- cosine similarity to the cluster centroid
);
CREATE INDEX cluster_members_cluster ON cluster_members(cluster_id);

CREATE TABLE drafts (
    article_id     TEXT PRIMARY KEY,
    cluster_id     TEXT NOT NULL,
    path           TEXT NOT NULL,           -- relative to the kb folder
    generated_hash TEXT NOT NULL,           -- hash of the file as kbforge last wrote it
    updated_at     TEXT NOT NULL
);

CREATE TABLE state (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
