//! One file per subcommand: a few lines of glue between the CLI and the library.

pub mod check;
pub mod eval;
pub mod forget;
pub mod clusters;
pub mod ingest;
pub mod init;
pub mod publish;
pub mod quarantine;
pub mod report;
pub mod review;
pub mod routing;
pub mod run;
pub mod runs;
pub mod worker;
pub mod search;
pub mod serve;
pub mod stage;

use std::path::Path;

use crate::workspace::Workspace;

/// How a command ended, as the process exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// 0: everything went through.
    Success,
    /// 3: the run completed, but some records were quarantined (`kbforge quarantine list`).
    CompletedWithRejects,
    /// 4: another run of the same pipeline holds the lock; this one did nothing.
    Busy,
}

/// Exit codes, documented in the README: 0 success, 1 error, 2 usage error, 3 completed with
/// quarantined records, 4 another run of the pipeline is in progress.
pub fn exit_code(outcome: Outcome) -> u8 {
    match outcome {
        Outcome::Success => 0,
        Outcome::CompletedWithRejects => 3,
        Outcome::Busy => 4,
    }
}

/// The workspace for commands that do not take a pipeline file.
pub fn workspace(dir: Option<&Path>) -> anyhow::Result<Workspace> {
    let start = match dir {
        Some(d) => d.to_path_buf(),
        None => std::env::current_dir()?,
    };
    Ok(Workspace::discover(&start)?)
}
