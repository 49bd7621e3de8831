//! `kbforge forget`: a right-to-erasure request, carried out end to end.

use std::path::Path;

use crate::cli::ForgetArgs;
use crate::ingest::ticket::customer_key;
use crate::pipeline::{Context, Stage};
use crate::store::forget;

use super::Outcome;

pub async fn run(workspace: Option<&Path>, args: &ForgetArgs) -> anyhow::Result<Outcome> {
    if args.tickets.is_empty() && args.customer.is_empty() {
        anyhow::bail!("name the tickets to forget, or a customer with --customer");
    }
    let ws = super::workspace(workspace)?;
    let mut ctx = Context::open(ws).await?;
    let mut ids = Vec::new();
    for t in &args.tickets {
        let found: Vec<(String,)> = sqlx::query_as("SELECT id FROM tickets WHERE id = $1 OR external_id = $1").bind(t).fetch_all(ctx.store.pool()).await?;
        if found.is_empty() {
            if t.contains(':') {
                tracing::warn!(ticket = %t, "no such ticket in the store; recorded, so it is never ingested");
                ids.push(t.clone());
            } else {
                anyhow::bail!("no ticket `{t}` in the store: give the id as the store has it (`omnidesk:{t}`, `jsonl:{t}`, ...)");
            }
        }
        ids.extend(found.into_iter().map(|(id,)| id));
    }
    let mut keys = Vec::new();
    for c in &args.customer {
        keys.push(customer_key(c));
        if c.contains('@') {
            keys.extend(omnidesk_users(&ctx.ws.config.ingest.omnidesk, c).await?.iter().map(|id| customer_key(&format!("omnidesk-user:{id}"))));
        }
    }
    ids.extend(forget::tickets_of(&ctx.store, &keys).await?);
    ids.sort();
    ids.dedup();
    forget::mark(&ctx.store, &ids, forget::ERASURE).await?;
    let kb_dir = ctx.ws.kb_dir();
    let report = crate::forget::apply(&ctx.store, &ctx.ws.config.embed, &kb_dir).await?;
    println!("-> {}", report.line());
    if args.no_publish || report.articles.is_empty() {
        return Ok(Outcome::Success);
    }
    let mut rejected = 0;
    for stage in [Stage::PublishSite, Stage::PublishIndex] {
        let r = ctx.run_stage(stage).await?;
        println!("{}", r.line());
        rejected += r.rejected;
    }
    Ok(if rejected > 0 { Outcome::CompletedWithRejects } else { Outcome::Success })
}

/// The Omnidesk users with this e-mail, when an Omnidesk account is configured.
async fn omnidesk_users(config: &crate::ingest::omnidesk_api::OmnideskConfig, email: &str) -> anyhow::Result<Vec<i64>> {
    let key = crate::ingest::omnidesk_api_key();
    if key.is_empty() || (config.subdomain.is_empty() && config.base_url.is_empty()) {
        return Ok(Vec::new());
    }
    let client = crate::ingest::omnidesk_api::OmnideskClient::new(config, &key)?;
    Ok(client.user_ids(email).await?)
}
