-- Scheduled runs: the history of every pipeline run and its stages, the run lock, and the job queue
-- that worker processes share. Keep in step with ../sqlite/0004_runs.sql.

CREATE TABLE runs (
    id          BIGSERIAL PRIMARY KEY,
    pipeline    TEXT NOT NULL,
    status      TEXT NOT NULL,              -- running, succeeded, completed-with-rejects, failed, interrupted
    started_at  TEXT NOT NULL,
    finished_at TEXT NOT NULL DEFAULT '',
    host        TEXT NOT NULL,
    pid         BIGINT NOT NULL,
    error       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX runs_pipeline ON runs(pipeline, id);

CREATE TABLE run_stages (
    run_id      BIGINT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    position    BIGINT NOT NULL,
    stage       TEXT NOT NULL,
    status      TEXT NOT NULL,              -- running, done, failed
    started_at  TEXT NOT NULL,
    elapsed_ms  BIGINT NOT NULL DEFAULT 0,
    processed   BIGINT NOT NULL DEFAULT 0,
    written     BIGINT NOT NULL DEFAULT 0,
    unchanged   BIGINT NOT NULL DEFAULT 0,
    rejected    BIGINT NOT NULL DEFAULT 0,
    peak_rss_kb BIGINT NOT NULL DEFAULT 0,      -- the process's peak memory when the stage ended
    summary     TEXT NOT NULL DEFAULT '',
    error       TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (run_id, position)
);

-- One row per pipeline while a run holds it (SQLite; Postgres uses an advisory lock instead).
-- A holder refreshes heartbeat_at; a row whose process is gone, or whose heartbeat is stale, is taken over.
CREATE TABLE run_locks (
    pipeline     TEXT PRIMARY KEY,
    run_id       BIGINT NOT NULL,
    host         TEXT NOT NULL,
    pid          BIGINT NOT NULL,
    proc_start   TEXT NOT NULL,             -- the process's start time, so a reused pid is not mistaken for it
    heartbeat_at TEXT NOT NULL
);

-- Work that `kbforge worker` processes share (Postgres: claimed with FOR UPDATE SKIP LOCKED).
CREATE TABLE jobs (
    id         BIGSERIAL PRIMARY KEY,
    batch      TEXT NOT NULL,               -- the stage call that enqueued it; it waits for its batch
    kind       TEXT NOT NULL,               -- "embed" or "draft"
    payload    TEXT NOT NULL,               -- JSON
    state      TEXT NOT NULL,               -- pending, running, done, failed
    worker     TEXT NOT NULL DEFAULT '',    -- who claimed it last
    attempts   BIGINT NOT NULL DEFAULT 0,
    result     TEXT NOT NULL DEFAULT '',
    error      TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    claimed_at TEXT NOT NULL DEFAULT '',
    done_at    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX jobs_state ON jobs(state, id);
CREATE INDEX jobs_batch ON jobs(batch, state);

-- Incremental extract: a message not yet turned into its ticket's question/answer pair. New and
-- re-ingested messages start at 0, the clean stage resets it when it rewrites clean_body, and the
-- extract stage reads only tickets with such a message.
ALTER TABLE messages ADD COLUMN extracted BIGINT NOT NULL DEFAULT 0;
CREATE INDEX messages_unextracted ON messages(ticket_id) WHERE extracted = 0;
