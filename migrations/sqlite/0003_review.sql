-- Review: editors, their sessions, the history of every article's state, proposed revisions.
-- Keep in step with ../postgres/0003_review.sql.

CREATE TABLE users (
    name          TEXT PRIMARY KEY,
    password_hash TEXT NOT NULL,            -- argon2id PHC string
    role          TEXT NOT NULL,            -- "editor" or "admin"
    created_at    TEXT NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,            -- sha256 of the cookie value; the value itself is never stored
    user_name  TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
    csrf       TEXT NOT NULL,               -- the token every form and fetch of this session must carry
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);

CREATE TABLE article_events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    article_id  TEXT NOT NULL,
    action      TEXT NOT NULL,              -- "status", "edit", "merge", "proposal", "accept", "dismiss"
    from_status TEXT NOT NULL,
    to_status   TEXT NOT NULL,
    by_user     TEXT NOT NULL,
    at          TEXT NOT NULL,
    note        TEXT NOT NULL
);
CREATE INDEX article_events_article ON article_events(article_id, id);

CREATE TABLE revisions (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    article_id  TEXT NOT NULL,
    cluster_id  TEXT NOT NULL,
    reason      TEXT NOT NULL,              -- "regenerated": the cluster changed under an edited article;
                                            -- "duplicate": another cluster asks the same question
    proposed    TEXT NOT NULL,              -- the whole file as kbforge proposes it
    base_hash   TEXT NOT NULL,              -- hash of the file the proposal was made against
    state       TEXT NOT NULL,              -- "open", "accepted", "dismissed"
    created_at  TEXT NOT NULL,
    decided_by  TEXT NOT NULL DEFAULT '',
    decided_at  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX revisions_article ON revisions(article_id, state);

-- Answer consistency within a cluster: mean word overlap of the staff answers (templated answers → flat).
ALTER TABLE clusters ADD COLUMN consistency DOUBLE PRECISION NOT NULL DEFAULT 0;
-- The cluster's centroid (little-endian f32): the draft stage finds the article a new cluster repeats.
ALTER TABLE clusters ADD COLUMN centroid BLOB NOT NULL DEFAULT x'';
-- Hash of the title and body kbforge last generated for an article: a change proposes a revision.
ALTER TABLE drafts ADD COLUMN body_hash TEXT NOT NULL DEFAULT '';
