//! The run lock: two runs of the same pipeline never overlap.
//!
//! Postgres: a session-level advisory lock (`pg_try_advisory_lock`) on a connection that leaves the
//! pool and lives as long as the run; the server frees it when the process dies, however it dies.
//! SQLite: a row in `run_locks` holding the process's host, pid and start time, refreshed by a
//! heartbeat. A row whose process is gone (same host: the process table decides) or, from another
//! host, whose heartbeat is older than [`STALE_AFTER`] belongs to a crashed run and is taken over.

pub use crate::queue::hostname;
use std::time::Duration;

use sqlx::Connection;

use crate::store::{Backend, Store};

/// A heartbeat older than this marks a lock held from another host as abandoned.
pub const STALE_AFTER: Duration = Duration::from_secs(300);
const HEARTBEAT_EVERY: Duration = Duration::from_secs(30);

/// Who holds a lock that could not be taken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holder {
    pub run_id: i64,
    pub host: String,
    pub pid: i64,
    pub since: String,
}

#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error("another run of pipeline `{pipeline}` is in progress{}; this one did nothing (exit code 4)",
        holder.as_ref().map(|h| format!(" (run #{} on {}, pid {}, since {})", h.run_id, h.host, h.pid, h.since)).unwrap_or_default())]
    Busy { pipeline: String, holder: Option<Holder> },
    #[error("cannot take the run lock in the store")]
    Store(#[from] sqlx::Error),
}

/// Held for the length of a run; dropping it releases the lock (SQLite: call [`RunLock::release`]
/// first to delete the row; a dropped guard still leaves a row the next run sees as stale).
pub struct RunLock {
    inner: Inner,
}

enum Inner {
    Postgres(#[allow(dead_code)] sqlx::AnyConnection),
    Sqlite { store: Store, pipeline: String, heartbeat: tokio::task::JoinHandle<()> },
}

/// This process, as the lock table records it.
#[derive(Debug, Clone)]
pub struct Me {
    pub host: String,
    pub pid: i64,
    pub proc_start: String,
}

impl Me {
    pub fn current() -> Me {
        let pid = std::process::id() as i64;
        Me { host: hostname(), pid, proc_start: proc_start(pid).unwrap_or_default() }
    }
}

/// The start time of a process in clock ticks since boot (field 22 of `/proc/<pid>/stat`): with
/// the pid, it names one process even after pids wrap around.
fn proc_start(pid: i64) -> Option<String> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) may hold spaces and parentheses: count fields after its last ')'.
    let rest = &stat[stat.rfind(')')? + 1..];
    rest.split_whitespace().nth(19).map(str::to_string)
}

/// Whether the process a lock row names is still running. `None` when this host cannot tell
/// (another host, or no `/proc`).
fn alive(me: &Me, host: &str, pid: i64, start: &str) -> Option<bool> {
    if host != me.host || !std::path::Path::new("/proc/self/stat").exists() {
        return None;
    }
    Some(proc_start(pid).is_some_and(|s| start.is_empty() || s == start))
}

/// The advisory lock key of a pipeline: the first 8 bytes of sha256("kbforge run " + name).
fn advisory_key(pipeline: &str) -> i64 {
    use sha2::{Digest, Sha256};
    let d = Sha256::digest(format!("kbforge run {pipeline}").as_bytes());
    i64::from_le_bytes(d[..8].try_into().expect("8 bytes"))
}

impl RunLock {
    /// Takes the lock of `pipeline` for run `run_id`, or says who holds it.
    pub async fn acquire(store: &Store, url: &str, pipeline: &str, run_id: i64) -> Result<RunLock, LockError> {
        match store.backend() {
            Backend::Postgres => {
                // A connection of its own, outside the pool: the lock lives exactly as long as it.
                let mut conn = sqlx::AnyConnection::connect(url).await?;
                let (got,): (bool,) = sqlx::query_as("SELECT pg_try_advisory_lock($1)")
                    .bind(advisory_key(pipeline))
                    .fetch_one(&mut conn)
                    .await?;
                if !got {
                    let holder = running_holder(store, pipeline, run_id).await?;
                    return Err(LockError::Busy { pipeline: pipeline.into(), holder });
                }
                Ok(RunLock { inner: Inner::Postgres(conn) })
            }
            Backend::Sqlite => {
                let me = Me::current();
                for _ in 0..2 {
                    let now = crate::store::now();
                    let inserted = sqlx::query(
                        "INSERT INTO run_locks (pipeline, run_id, host, pid, proc_start, heartbeat_at)
                         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (pipeline) DO NOTHING",
                    )
                    .bind(pipeline)
                    .bind(run_id)
                    .bind(&me.host)
                    .bind(me.pid)
                    .bind(&me.proc_start)
                    .bind(&now)
                    .execute(store.pool())
                    .await?
                    .rows_affected();
                    if inserted == 1 {
                        let heartbeat = spawn_heartbeat(store.clone(), pipeline.to_string(), run_id);
                        return Ok(RunLock {
                            inner: Inner::Sqlite { store: store.clone(), pipeline: pipeline.into(), heartbeat },
                        });
                    }
                    let row: Option<(i64, String, i64, String, String)> = sqlx::query_as(
                        "SELECT run_id, host, pid, proc_start, heartbeat_at FROM run_locks WHERE pipeline = $1",
                    )
                    .bind(pipeline)
                    .fetch_optional(store.pool())
                    .await?;
                    let Some((holder_run, host, pid, start, heartbeat_at)) = row else { continue };
                    let stale_by_time = chrono::DateTime::parse_from_rfc3339(&heartbeat_at)
                        .map(|t| chrono::Utc::now().signed_duration_since(t).to_std().unwrap_or_default() > STALE_AFTER)
                        .unwrap_or(true);
                    // On this host the process table decides; a heartbeat held up by a long
                    // transaction must not hand a live run's lock to another.
                    let abandoned = match alive(&me, &host, pid, &start) {
                        Some(alive) => !alive,
                        None => stale_by_time,
                    };
                    if abandoned {
                        tracing::warn!(
                            pipeline,
                            run = holder_run,
                            host = host.as_str(),
                            pid,
                            "taking over the lock of a run that stopped without releasing it"
                        );
                        sqlx::query("DELETE FROM run_locks WHERE pipeline = $1 AND run_id = $2")
                            .bind(pipeline)
                            .bind(holder_run)
                            .execute(store.pool())
                            .await?;
                        continue;
                    }
                    let holder = Holder { run_id: holder_run, host, pid, since: heartbeat_at };
                    return Err(LockError::Busy { pipeline: pipeline.into(), holder: Some(holder) });
                }
                Err(LockError::Busy { pipeline: pipeline.into(), holder: None })
            }
        }
    }

    /// Releases the lock.
    pub async fn release(self) -> Result<(), sqlx::Error> {
        match self.inner {
            Inner::Postgres(conn) => conn.close().await,
            Inner::Sqlite { store, pipeline, heartbeat } => {
                heartbeat.abort();
                sqlx::query("DELETE FROM run_locks WHERE pipeline = $1").bind(&pipeline).execute(store.pool()).await?;
                Ok(())
            }
        }
    }
}

fn spawn_heartbeat(store: Store, pipeline: String, run_id: i64) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(HEARTBEAT_EVERY);
        tick.tick().await;
        loop {
            tick.tick().await;
            let r = sqlx::query("UPDATE run_locks SET heartbeat_at = $1 WHERE pipeline = $2 AND run_id = $3")
                .bind(crate::store::now())
                .bind(&pipeline)
                .bind(run_id)
                .execute(store.pool())
                .await;
            if let Err(e) = r {
                tracing::warn!("cannot refresh the run lock: {e}");
            }
        }
    })
}

/// The run of `pipeline` still marked running, other than `me`: for the "busy" message on Postgres.
async fn running_holder(store: &Store, pipeline: &str, me: i64) -> Result<Option<Holder>, sqlx::Error> {
    let row: Option<(i64, String, i64, String)> = sqlx::query_as(
        "SELECT id, host, pid, started_at FROM runs WHERE pipeline = $1 AND status = 'running' AND id <> $2
         ORDER BY id DESC LIMIT 1",
    )
    .bind(pipeline)
    .bind(me)
    .fetch_optional(store.pool())
    .await?;
    Ok(row.map(|(run_id, host, pid, since)| Holder { run_id, host, pid, since }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_process_is_alive_and_a_stranger_is_not() {
        let me = Me::current();
        assert!(!me.proc_start.is_empty());
        assert_eq!(alive(&me, &me.host, me.pid, &me.proc_start), Some(true));
        // Same pid, another start time: the pid was reused.
        assert_eq!(alive(&me, &me.host, me.pid, "1"), Some(false));
        assert_eq!(alive(&me, "another-host", me.pid, &me.proc_start), None);
        assert_ne!(advisory_key("nightly"), advisory_key("reindex"));
    }
}
