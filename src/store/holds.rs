//! Articles the publish guard held back ([`crate::guard`]): which, on which target, why.
//! `kbforge review show` and the review app read them; each publish of a target replaces its rows.

use super::{now, Store};
use crate::guard::Finding;

/// One held-back article on one target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hold {
    pub article_id: String,
    /// `site` or `index`.
    pub target: String,
    pub findings: Vec<Finding>,
    pub held_at: String,
}

impl Store {
    /// Replaces the holds of `target` with `holds` (article id and findings), in one transaction.
    pub async fn replace_holds(&self, target: &str, holds: &[(String, Vec<Finding>)]) -> anyhow::Result<()> {
        let mut tx = self.pool().begin().await?;
        sqlx::query("DELETE FROM guard_holds WHERE target = $1").bind(target).execute(&mut *tx).await?;
        let at = now();
        for (id, findings) in holds {
            sqlx::query("INSERT INTO guard_holds (article_id, target, findings, held_at) VALUES ($1, $2, $3, $4)")
                .bind(id)
                .bind(target)
                .bind(serde_json::to_string(findings)?)
                .bind(&at)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The holds of one article (every target), or of all articles when `article_id` is `None`.
    pub async fn holds(&self, article_id: Option<&str>) -> anyhow::Result<Vec<Hold>> {
        let rows: Vec<(String, String, String, String)> = sqlx::query_as(
            "SELECT article_id, target, findings, held_at FROM guard_holds
             WHERE $1 = '' OR article_id = $1 ORDER BY article_id, target",
        )
        .bind(article_id.unwrap_or(""))
        .fetch_all(self.pool())
        .await?;
        rows.into_iter()
            .map(|(article_id, target, findings, held_at)| Ok(Hold { article_id, target, findings: serde_json::from_str(&findings)?, held_at }))
            .collect()
    }
}
