-- Cluster labels (c-TF-IDF top terms) and representative questions (closest to the centroid).
ALTER TABLE clusters ADD COLUMN label TEXT NOT NULL DEFAULT '';
ALTER TABLE clusters ADD COLUMN representatives TEXT NOT NULL DEFAULT '[]'; -- JSON array of ticket ids
