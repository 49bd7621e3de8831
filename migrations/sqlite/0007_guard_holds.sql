-- Articles the publish guard held back: a value that looks like personal data was still in the
-- text that would have gone out. One row per article and target (`site` or `index`), replaced on
-- every publish of that target; `findings` is a JSON list of {kind, field, masked}, the values
-- masked. Keep in step with ../postgres/0007_guard_holds.sql.
CREATE TABLE guard_holds (
    article_id TEXT NOT NULL,
    target     TEXT NOT NULL,
    findings   TEXT NOT NULL,
    held_at    TEXT NOT NULL,
    PRIMARY KEY (article_id, target)
);
