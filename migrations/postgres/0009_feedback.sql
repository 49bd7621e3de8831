-- The bot's side of the loop (issue 24): what it was asked, what it answered, how operators rated
-- it, and the help center's "Was this helpful?" votes. Queries are stored redacted, never an
-- address; `[feedback] retention-days` prunes old rows. No foreign keys between the tables: a
-- rating may arrive for a search already pruned, and the report joins what is there. No NULLs
-- either: '' stands for none, the same on both backends.
-- Keep in step with ../sqlite/0009_feedback.sql.
CREATE TABLE searches (
    id          TEXT PRIMARY KEY,            -- the search_id /api/search returns
    created_at  TEXT NOT NULL,
    query       TEXT NOT NULL,               -- cleaned and redacted
    audience    TEXT NOT NULL,
    route       TEXT NOT NULL,               -- answer, suggest, clarify, handoff
    topic       TEXT NOT NULL,
    article_id  TEXT NOT NULL,               -- the top hit, '' when there was none
    similarity  DOUBLE PRECISION NOT NULL,   -- the top hit's, 0 when none
    hits        TEXT NOT NULL,               -- JSON list of the hits' article ids, best first
    miss        BIGINT NOT NULL,             -- 1: a question with no confident article
    vector      BYTEA NOT NULL            -- the redacted query's vector for a miss, else empty
);
CREATE INDEX searches_created ON searches(created_at);

CREATE TABLE feedback (
    id          BIGSERIAL PRIMARY KEY,
    created_at  TEXT NOT NULL,
    search_id   TEXT NOT NULL,               -- '' when the caller rated without a search
    query       TEXT NOT NULL,               -- redacted
    ticket_id   TEXT NOT NULL,
    article_id  TEXT NOT NULL,
    route       TEXT NOT NULL,
    topic       TEXT NOT NULL,
    rating      TEXT NOT NULL,               -- correct, edited, wrong, unrated
    operator    TEXT NOT NULL
);
CREATE INDEX feedback_search ON feedback(search_id);
CREATE INDEX feedback_created ON feedback(created_at);

CREATE TABLE votes (
    id          BIGSERIAL PRIMARY KEY,
    created_at  TEXT NOT NULL,
    article_id  TEXT NOT NULL,
    helpful     BIGINT NOT NULL              -- 1 yes, 0 no; a hint from anyone, not a rating
);
CREATE INDEX votes_article ON votes(article_id);
CREATE INDEX votes_created ON votes(created_at);
