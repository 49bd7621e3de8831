-- The mean of a cluster's staff-answer vectors (little-endian f32; empty when none of its tickets
-- has an answer that takes part): with the question centroid, the pair similarity the draft stage
-- and the review's near-duplicate flag compare clusters by.
-- Keep in step with ../sqlite/0010_answer_centroid.sql.
ALTER TABLE clusters ADD COLUMN answer_centroid BYTEA NOT NULL DEFAULT ''::bytea;
