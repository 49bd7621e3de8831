//! Every integration test in one binary: each file of `tests/` is a module here (`cargo test
//! --release --test suite <file>::` runs one). Linking one test binary instead of one per file
//! saves the build most of its link time, and the tests of all files share the two cores.

mod common;

mod architecture;
mod bot_search;
mod browser_review;
mod browser_site;
mod cli;
mod cluster_edits;
mod cluster_stability;
mod crash_recovery;
mod deploy;
mod draft_revisions;
mod duplicates;
mod e2e_demo;
mod eval_classify;
mod eval_cluster;
mod eval_desk;
mod feedback_loop;
mod forget;
mod fuzz;
mod index_backends;
mod index_crash;
mod ingest;
mod llm_drafting;
mod omnidesk_api;
mod only_answers;
mod pairs;
mod publish_guard;
mod redact_eval;
mod report;
mod review_app;
mod scheduling;
mod site_incremental;
mod site_safety;
mod store;
mod token_states;
mod workers;
mod zendesk_api;
