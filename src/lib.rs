//! kbforge: a support desk's ticket history and regulations in, a reviewed knowledge base out.
//!
//! The pipeline, one module (room) per stage, each reading from and writing to the [`store`]:
//! [`ingest`] → [`clean`] → [`extract`] → [`classify`] → [`embed`] → [`cluster`] → [`draft`] →
//! [`review`] → [`publish`] (`site` and `index`). [`pipeline`] runs them in order; [`kb`] is the
//! knowledge base folder; [`queue`] shares work with worker processes; [`workspace`] holds the settings; [`cli`] and [`cmd`] are the command line.
//! See ARCHITECTURE.md for one ticket's way through.

pub mod atomic;
pub mod classify;
pub mod clean;
pub mod cli;
pub mod cluster;
pub mod cmd;
pub mod draft;
pub mod embed;
pub mod eval;
pub mod extract;
pub mod feedback;
pub mod forget;
pub mod guard;
pub mod hash;
pub mod http;
pub mod ingest;
pub mod kb;
pub mod kind;
pub mod lexical;
pub mod pipeline;
pub mod publish;
pub mod queue;
pub mod report;
pub mod review;
pub mod routing;
pub mod serve;
pub mod stage;
pub mod store;
pub mod vector;
pub mod workspace;
