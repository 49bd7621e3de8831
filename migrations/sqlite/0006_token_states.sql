-- The content tokens of each embedded question as the model saw them (ids, and last hidden states
-- in half precision), for token matching in the graph clustering ([cluster.graph] token-match).
-- Computed in the same inference as the pooled vector in `embeddings`, keyed the same way. Keep
-- in step with ../postgres/0006_token_states.sql.
CREATE TABLE token_states (
    model      TEXT NOT NULL,
    text_hash  TEXT NOT NULL,
    ids        BLOB NOT NULL,          -- little-endian u32 token ids
    states     BLOB NOT NULL,          -- little-endian f16, ids × dimension
    PRIMARY KEY (model, text_hash)
);
