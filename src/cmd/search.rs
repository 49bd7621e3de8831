use std::path::Path;

use crate::pipeline::Context;

use super::Outcome;

pub async fn run(workspace: Option<&Path>, args: &crate::cli::SearchArgs) -> anyhow::Result<Outcome> {
    let ws = super::workspace(workspace)?;
    let mut ctx = Context::open(ws).await?;
    let (store, embedder, ws) = ctx.with_model()?;
    let filters = crate::publish::index::SearchFilters { topic: args.topic.clone(), language: args.language.clone() };
    let (query, limit, json) = (&args.query, args.limit, args.json);
    let hits = crate::publish::index::search(store, embedder, &ws.config.index, &ws.root, query, limit, args.audience, &filters).await?;
    if json {
        println!("{}", serde_json::to_string_pretty(&hits)?);
    } else if hits.is_empty() {
        println!("no articles match");
    } else {
        for (i, h) in hits.iter().enumerate() {
            println!("{}. {:.3}  {}  [{}]  {}", i + 1, h.score, h.title, h.article_id, h.url);
        }
    }
    Ok(Outcome::Success)
}
