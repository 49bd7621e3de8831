//! The vectors `kbforge eval desk` computed before, kept beside the workspace's store
//! (`.kbforge/eval-embeddings.sqlite`) so that evaluating a desk again, after a change of settings,
//! embeds only the texts it has not seen: «ВольтМаркет»'s 22 s of embedding become a read.
//!
//! The throw-away store of each evaluation is seeded from the file before the embed stage and its
//! new vectors are added back after. Pooled vectors and token states (a desk's answers', for the
//! pairs method's token matching: about 50 KB an answer, 25 MB for «ВольтМаркет») are kept,
//! keyed as the embedding cache keys them (model id with the model file's hash, text hash of the
//! prefixed text), so a vector is only ever reused for the same model and the same text; the texts
//! themselves are not in the file.

use std::path::{Path, PathBuf};

use crate::store::Store;

/// Where the kept vectors of `root`'s workspace live.
pub fn path(root: &Path) -> PathBuf {
    root.join(".kbforge").join("eval-embeddings.sqlite")
}

/// Copies the kept vectors (if any) into `store`'s embedding cache. Returns how many.
pub async fn seed(store: &Store, kept: &Path) -> anyhow::Result<u64> {
    if !kept.exists() {
        return Ok(0);
    }
    copy(store, kept, "kept", "main").await
}

/// Adds `store`'s vectors that the kept file lacks to it (creating it). Returns how many.
pub async fn save(store: &Store, kept: &Path) -> anyhow::Result<u64> {
    if let Some(dir) = kept.parent() {
        std::fs::create_dir_all(dir)?;
    }
    copy(store, kept, "main", "kept").await
}

/// Copies the vectors of schema `from` that `to` lacks, on one connection of `store`'s pool with
/// the kept file attached as `kept`, and detaches it whatever happened.
async fn copy(store: &Store, kept: &Path, from: &str, to: &str) -> anyhow::Result<u64> {
    let mut conn = store.pool().acquire().await?;
    sqlx::query("ATTACH DATABASE $1 AS kept").bind(kept.display().to_string()).execute(&mut *conn).await?;
    let copied = async {
        create(&mut conn).await?;
        let sql = format!("INSERT OR IGNORE INTO {to}.embeddings (model, text_hash, vector) SELECT model, text_hash, vector FROM {from}.embeddings");
        let vectors = sqlx::query(&sql).execute(&mut *conn).await?.rows_affected();
        let sql = format!(
            "INSERT OR IGNORE INTO {to}.token_states (model, text_hash, ids, states) SELECT model, text_hash, ids, states FROM {from}.token_states"
        );
        sqlx::query(&sql).execute(&mut *conn).await?;
        Ok::<_, sqlx::Error>(vectors)
    }
    .await;
    sqlx::query("DETACH DATABASE kept").execute(&mut *conn).await?;
    Ok(copied?)
}

/// The kept file's two tables, the shape of the store's `embeddings` and `token_states`.
async fn create(conn: &mut sqlx::pool::PoolConnection<sqlx::Any>) -> Result<(), sqlx::Error> {
    sqlx::query("CREATE TABLE IF NOT EXISTS kept.embeddings (model TEXT NOT NULL, text_hash TEXT NOT NULL, vector BLOB NOT NULL, PRIMARY KEY (model, text_hash))")
        .execute(&mut **conn)
        .await?;
    sqlx::query(
        "CREATE TABLE IF NOT EXISTS kept.token_states (model TEXT NOT NULL, text_hash TEXT NOT NULL, ids BLOB NOT NULL, states BLOB NOT NULL, PRIMARY KEY (model, text_hash))",
    )
    .execute(&mut **conn)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn store(dir: &Path, name: &str) -> Store {
        Store::open(&format!("sqlite://{}", dir.join(name).display())).await.unwrap()
    }

    async fn rows(store: &Store) -> Vec<(String, String, Vec<u8>)> {
        sqlx::query_as("SELECT model, text_hash, vector FROM embeddings ORDER BY text_hash").fetch_all(store.pool()).await.unwrap()
    }

    #[tokio::test]
    async fn vectors_kept_by_one_evaluation_seed_the_next() {
        let tmp = tempfile::tempdir().unwrap();
        let kept = path(tmp.path());
        let first = store(tmp.path(), "first.sqlite").await;
        // Nothing kept yet: nothing to seed, and no file made by looking.
        assert_eq!(seed(&first, &kept).await.unwrap(), 0);
        assert!(!kept.exists());
        let mut tx = first.pool().begin().await.unwrap();
        crate::embed::insert_vectors(&mut tx, "m:1", &["a".into(), "b".into()], &[vec![1.0, 0.0], vec![0.0, 1.0]]).await.unwrap();
        let states = crate::vector::TokenStates { ids: vec![5, 6], states: vec![half::f16::from_f32(0.5); 4] };
        crate::embed::insert_token_states(&mut tx, "m:1", &["a".into()], std::slice::from_ref(&states)).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(save(&first, &kept).await.unwrap(), 2);
        // Saving again adds nothing: a vector is kept once.
        assert_eq!(save(&first, &kept).await.unwrap(), 0);

        let second = store(tmp.path(), "second.sqlite").await;
        let mut tx = second.pool().begin().await.unwrap();
        crate::embed::insert_vectors(&mut tx, "m:1", &["c".into()], &[vec![0.5, 0.5]]).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(seed(&second, &kept).await.unwrap(), 2);
        assert_eq!(rows(&second).await.len(), 3);
        assert_eq!(rows(&second).await[..2], rows(&first).await[..]);
        // Token states (a desk's answers') go along.
        let (ids, got): (Vec<u8>, Vec<u8>) =
            sqlx::query_as("SELECT ids, states FROM token_states WHERE text_hash = 'a'").fetch_one(second.pool()).await.unwrap();
        assert_eq!(crate::vector::TokenStates::from_bytes(&ids, &got), Some(states));
        // The new vector goes back, the others are there already.
        assert_eq!(save(&second, &kept).await.unwrap(), 1);
        // Every connection of the pool still works on its own database.
        for _ in 0..4 {
            assert_eq!(rows(&second).await.len(), 3);
        }
    }
}
