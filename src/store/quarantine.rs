//! Quarantine: records a stage could not accept, with where they came from and why.
//!
//! A bad record never stops a run and is never silently dropped: it lands here, is counted in the
//! stage's report, and `kbforge quarantine list` shows it.

use super::{now, Store};

/// One record a stage set aside.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected {
    pub stage: String,
    /// The file or API the record came from.
    pub source: String,
    /// Where in the source: `line 12`, `case 10042`, a JSON path.
    pub location: String,
    /// The field at fault, or `-` when the whole record is unreadable.
    pub field: String,
    pub reason: String,
    /// The raw record (truncated), so the user can see it without opening the file.
    pub raw: String,
}

impl std::fmt::Display for Rejected {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "`{}` {}, field `{}`: {}", self.source, self.location, self.field, self.reason)
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct QuarantineEntry {
    pub id: i64,
    pub stage: String,
    pub source: String,
    pub location: String,
    pub field: String,
    pub reason: String,
    pub raw: String,
    pub created_at: String,
}

const RAW_LIMIT: usize = 4000;

impl Store {
    /// Keeps a rejected record. Re-rejecting the same record (same stage, source and location) updates
    /// it instead of adding a second entry, so re-running an ingest does not grow the quarantine.
    pub async fn quarantine(&self, r: &Rejected) -> Result<(), sqlx::Error> {
        let raw: String = r.raw.chars().take(RAW_LIMIT).collect();
        sqlx::query(
            "INSERT INTO quarantine (stage, source, location, field, reason, raw, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (stage, source, location)
             DO UPDATE SET field = excluded.field, reason = excluded.reason, raw = excluded.raw",
        )
        .bind(&r.stage)
        .bind(&r.source)
        .bind(&r.location)
        .bind(&r.field)
        .bind(&r.reason)
        .bind(raw)
        .bind(now())
        .execute(self.pool())
        .await?;
        Ok(())
    }

    pub async fn quarantine_list(&self) -> Result<Vec<QuarantineEntry>, sqlx::Error> {
        sqlx::query_as(
            "SELECT id, stage, source, location, field, reason, raw, created_at
             FROM quarantine ORDER BY id",
        )
        .fetch_all(self.pool())
        .await
    }

    pub async fn quarantine_get(&self, id: i64) -> Result<Option<QuarantineEntry>, sqlx::Error> {
        sqlx::query_as(
            "SELECT id, stage, source, location, field, reason, raw, created_at
             FROM quarantine WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(self.pool())
        .await
    }
}
