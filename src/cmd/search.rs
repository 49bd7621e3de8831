use std::path::Path;

use crate::pipeline::Context;

use super::Outcome;

pub async fn run(workspace: Option<&Path>, args: &crate::cli::SearchArgs) -> anyhow::Result<Outcome> {
    let ws = super::workspace(workspace)?;
    let mut ctx = Context::open(ws).await?;
    let (store, embedder, ws) = ctx.with_model()?;
    let filters = crate::publish::index::SearchFilters { topic: args.topic.clone(), language: args.language.clone() };
    // The same query, ranking and routing as `/api/search`.
    let query = match args.query.as_slice() {
        [one] => one.clone(),
        parts => crate::publish::index::search::turn_query(parts),
    };
    let prepared = crate::publish::index::prepare(store, embedder, &query).await?;
    let searcher = crate::publish::index::search::Searcher::new(ws.config.index.clone(), &ws.root);
    let hits = searcher.search(&prepared, args.limit, args.audience, &filters).await?;
    let clusters = crate::routing::Clusters::load(store, embedder).await?;
    let decision = crate::routing::decide(&ws.config.routing, &prepared.cleaned, hits.first(), clusters.nearest(&prepared.dense));
    if args.json {
        println!("{}", serde_json::to_string_pretty(&decision.response(&query, args.audience, &hits))?);
    } else {
        if hits.is_empty() {
            println!("no articles match");
        }
        for (i, h) in hits.iter().enumerate() {
            println!("{}. {:.3}  {}  [{}]  {}", i + 1, h.similarity, h.title, h.article_id, h.url);
        }
        println!("route: {} ({})", serde_json::to_value(decision.route)?.as_str().unwrap_or_default(), decision.reason);
    }
    Ok(Outcome::Success)
}
