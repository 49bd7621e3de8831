-- Editors' decisions about clusters (`kbforge clusters split|move|merge`, the review app's "split
-- off"): each row keeps one ticket in one cluster. Tickets pinned to one id always cluster
-- together, tickets pinned to different ids never do, and a re-clustering (incremental or full)
-- keeps both; unpinned tickets cluster freely around them.
-- Keep in step with ../postgres/0011_cluster_pins.sql.
CREATE TABLE cluster_pins (
    ticket_id   TEXT PRIMARY KEY,
    cluster_id  TEXT NOT NULL,
    pinned_by   TEXT NOT NULL,
    pinned_at   TEXT NOT NULL
);
CREATE INDEX cluster_pins_cluster ON cluster_pins(cluster_id);

-- Pairs of clusters an editor told apart (a split, or tickets moved from one to the other), `a` the
-- smaller id: their drafts are not flagged as near-duplicates of each other, and one is not
-- proposed as an update to the other. A merge of the two removes the pair.
CREATE TABLE cluster_apart (
    a           TEXT NOT NULL,
    b           TEXT NOT NULL,
    decided_by  TEXT NOT NULL,
    decided_at  TEXT NOT NULL,
    PRIMARY KEY (a, b)
);
