//! The `kbforge` binary: parses the command line, sets up logging, calls the library, and maps the
//! outcome to an exit code (0 success, 1 error, 2 usage, 3 completed with quarantined records).

use std::process::ExitCode;

use clap::Parser;
use kbforge::cli::{Cli, Command};
use kbforge::cmd;

fn init_logging(json: bool) {
    // Text logs leave the per-stage events (`kbforge::run`) to the summary lines on stdout; JSON
    // logs, read by machines, carry them.
    let default = if json { "kbforge=info,ort=warn,qdrant_edge=error,warn" } else { "kbforge=info,kbforge::run=warn,ort=warn,qdrant_edge=error,warn" };
    let filter = tracing_subscriber::EnvFilter::try_from_env("KBFORGE_LOG").unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).with_target(false);
    if json {
        builder.json().init();
    } else {
        builder.compact().init();
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(cli.log_json);
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(1);
        }
    };
    let ws = cli.workspace.as_deref();
    let result = runtime.block_on(async {
        match &cli.command {
            Command::Init { dir } => cmd::init::run(ws.unwrap_or(dir)),
            Command::Ingest(args) => cmd::ingest::run(ws, args).await,
            Command::Run(args) => cmd::run::run(args).await,
            Command::Stage { stage } => cmd::stage::run(ws, *stage).await,
            Command::Review { action } => cmd::review::run(ws, action).await,
            Command::Serve { listen } => cmd::serve::run(ws, listen.as_deref()).await,
            Command::Users { action } => cmd::serve::users(ws, action).await,
            Command::Publish { target } => cmd::publish::run(ws, *target).await,
            Command::Search(args) => cmd::search::run(ws, args).await,
            Command::Check => cmd::check::run(ws).await,
            Command::Eval { what } => cmd::eval::run(ws, what).await,
            Command::Quarantine { action } => cmd::quarantine::run(ws, action).await,
            Command::Runs { action } => cmd::runs::run(ws, action).await,
            Command::Routing { action } => cmd::routing::run(ws, action).await,
            Command::Feedback { action } => cmd::routing::feedback(ws, action).await,
            Command::Worker(args) => cmd::worker::run(ws, args).await,
            Command::Clusters { action } => cmd::clusters::run(ws, action).await,
            Command::Forget(args) => cmd::forget::run(ws, args).await,
            Command::Report { html, days, json } => cmd::report::run(ws, html.as_deref(), *days, *json).await,
        }
    });
    match result {
        Ok(outcome) => ExitCode::from(cmd::exit_code(outcome)),
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(1)
        }
    }
}
