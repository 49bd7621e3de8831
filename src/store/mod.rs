//! The store: every stage reads its input from here and writes its output here.
//!
//! One schema, two backends through `sqlx::Any`: SQLite (the default, a file inside the workspace) and
//! Postgres (when the URL starts with `postgres://`). Queries use `$N` placeholders, which both accept.
//! Migrations live in `migrations/sqlite` and `migrations/postgres` and run on [`Store::open`].

pub mod forget;
mod holds;
mod quarantine;
mod state;

use std::path::Path;
use std::str::FromStr;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::migrate::Migrator;
use sqlx::AnyPool;

pub use holds::Hold;
pub use quarantine::{QuarantineEntry, Rejected};

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("migrations/postgres");

/// Which database engine a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("unsupported database URL `{0}`: expected `sqlite://…` or `postgres://…`")]
    UnsupportedUrl(String),
    #[error("cannot create the folder for the SQLite store `{path}`")]
    CreateDir {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot connect to the store `{url}`")]
    Connect {
        url: String,
        #[source]
        source: sqlx::Error,
    },
    #[error("cannot migrate the store `{url}`")]
    Migrate {
        url: String,
        #[source]
        source: sqlx::migrate::MigrateError,
    },
}

/// A connection pool to the store, migrated to the current schema.
#[derive(Debug, Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
}

impl Store {
    /// Opens (and creates, for SQLite) the store at `url` and runs pending migrations.
    pub async fn open(url: &str) -> Result<Store, StoreError> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            return Err(StoreError::UnsupportedUrl(redact_url(url)));
        };
        let mut url_owned = url.to_string();
        if backend == Backend::Sqlite {
            if let Some(path) = sqlite_path(url) {
                if let Some(parent) = Path::new(&path).parent() {
                    if !parent.as_os_str().is_empty() {
                        std::fs::create_dir_all(parent).map_err(|source| StoreError::CreateDir {
                            path: parent.display().to_string(),
                            source,
                        })?;
                    }
                }
            }
            if !url_owned.contains("mode=") {
                url_owned.push_str(if url_owned.contains('?') { "&mode=rwc" } else { "?mode=rwc" });
            }
        }
        let connect_err = |source| StoreError::Connect { url: redact_url(url), source };
        let options = AnyConnectOptions::from_str(&url_owned).map_err(connect_err)?;
        let pool = AnyPoolOptions::new()
            // SQLite allows one writer at a time; a single connection avoids "database is locked".
            .max_connections(if backend == Backend::Sqlite { 1 } else { 8 })
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        sqlx::query("PRAGMA foreign_keys = ON").execute(&mut *conn).await?;
                        sqlx::query("PRAGMA journal_mode = WAL").execute(&mut *conn).await?;
                        sqlx::query("PRAGMA synchronous = NORMAL").execute(&mut *conn).await?;
                        sqlx::query("PRAGMA busy_timeout = 10000").execute(&mut *conn).await?;
                        // Deleted and overwritten content is zeroed on its page, so a copy of the
                        // file holds nothing a deletion or an erasure removed.
                        sqlx::query("PRAGMA secure_delete = ON").execute(&mut *conn).await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await
            .map_err(connect_err)?;
        let migrator = match backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        };
        migrator
            .run(&pool)
            .await
            .map_err(|source| StoreError::Migrate { url: redact_url(url), source })?;
        Ok(Store { pool, backend })
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Number of rows in a table; for reports and `kbforge check`.
    pub async fn count(&self, table: &str) -> Result<i64, sqlx::Error> {
        debug_assert!(table.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'));
        let (n,): (i64,) = sqlx::query_as(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(&self.pool)
            .await?;
        Ok(n)
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// The file path inside a `sqlite://path?…` URL, if it names a file.
fn sqlite_path(url: &str) -> Option<String> {
    let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or_default();
    (!path.is_empty() && path != ":memory:").then(|| path.to_string())
}

/// Hides a password in a database URL before it is printed.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let creds = &url[scheme + 3..at];
            match creds.find(':') {
                Some(colon) => format!("{}{}:***{}", &url[..scheme + 3], &creds[..colon], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

/// Current time as RFC 3339, the store's timestamp format.
pub fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Encodes a vector as little-endian f32 bytes for a BLOB/BYTEA column.
pub fn vector_to_bytes(v: &[f32]) -> Vec<u8> {
    v.iter().flat_map(|x| x.to_le_bytes()).collect()
}

pub fn vector_from_bytes(b: &[u8]) -> Vec<f32> {
    b.chunks_exact(4).map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect()
}

/// Most bind parameters one bulk statement takes (rows written or looked up many at a time). sqlx
/// binds each `$N` by asking SQLite its name, which SQLite finds by a linear scan of the statement's
/// names: binding a statement costs the square of its parameters. At 700 a statement (100 messages
/// of 7 columns) that scan was 30% of ingest's time; at about 100 it is negligible, and a statement
/// still writes several rows.
pub const PARAMS_PER_STATEMENT: usize = 100;

/// Rows of `width` parameters one bulk statement takes ([`PARAMS_PER_STATEMENT`]).
pub fn rows_per_statement(width: usize) -> usize {
    (PARAMS_PER_STATEMENT / width.max(1)).max(1)
}

/// `$from, $from+1, …` for `n` values.
pub fn placeholders(from: usize, n: usize) -> String {
    (from..from + n).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
}

/// `($1, …, $width), ($width+1, …), …` for `rows` rows.
pub fn values_rows(rows: usize, width: usize) -> String {
    (0..rows).map(|r| format!("({})", placeholders(r * width + 1, width))).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_password() {
        assert_eq!(redact_url("postgres://u:secret@h/db"), "postgres://u:***@h/db");
        assert_eq!(redact_url("postgres://h/db"), "postgres://h/db");
    }

    #[test]
    fn sqlite_paths() {
        assert_eq!(sqlite_path("sqlite://.kbforge/kb.sqlite").as_deref(), Some(".kbforge/kb.sqlite"));
        assert_eq!(sqlite_path("sqlite::memory:"), None);
    }

    #[test]
    fn vector_roundtrip() {
        let v = vec![0.5f32, -1.25, 3.0];
        assert_eq!(vector_from_bytes(&vector_to_bytes(&v)), v);
    }
}
