-- Article bodies a language model drafted ([draft.llm]), by request: a run that was killed, or
-- that asks the same thing again, reads the body here instead of paying for it twice, and a body a
-- worker drafted (job kind "draft") reaches the stage through this table. Keep in step with
-- ../sqlite/0005_llm_drafts.sql.
CREATE TABLE llm_drafts (
    request_hash TEXT PRIMARY KEY,          -- hash of the whole request: model, temperature, messages
    model        TEXT NOT NULL,
    body         TEXT NOT NULL,             -- the reply, already redacted
    created_at   TEXT NOT NULL
);

-- (jobs.state, from 0004, may also be 'cancelled': a pending job of a run that was interrupted,
-- withdrawn by the next run.)
