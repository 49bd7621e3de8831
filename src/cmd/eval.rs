use std::path::Path;

use crate::cli::EvalWhat;
use crate::pipeline::Context;

use super::Outcome;

pub async fn run(workspace: Option<&Path>, what: &EvalWhat) -> anyhow::Result<Outcome> {
    if let EvalWhat::Redact { file, json, errors } = what {
        // Needs no workspace, store or model: the built-in patterns are measured.
        let items = crate::eval::redact::read_redact_labelled(file)?;
        let r = crate::eval::redact::eval_redact(&crate::clean::Redactor::default(), &items);
        if *json {
            println!("{}", serde_json::to_string(&r)?);
        } else {
            print!("{}", crate::eval::redact::format_table(&r));
        }
        if *errors {
            for (kind, what, value, text) in &r.errors {
                println!("{what} {kind} `{value}` in {text:?}");
            }
        }
        return Ok(Outcome::Success);
    }
    if let EvalWhat::Classify { file, field, json, errors } = what {
        // The workspace's [classify] phrases when there is a workspace, else the defaults.
        let (classify, clean) = match super::workspace(workspace) {
            Ok(ws) => (ws.config.classify.clone(), ws.config.clean.clone()),
            Err(_) => Default::default(),
        };
        let classifier = crate::classify::Classifier::new(&classify)?;
        let redactor = crate::clean::Redactor::new(&clean)?;
        let items = crate::eval::classify::read_labelled(file, field)?;
        let r = crate::eval::classify::eval_classify(&classifier, &redactor, &items);
        if *json {
            println!("{}", serde_json::to_string(&r)?);
        } else {
            print!("{}", crate::eval::classify::format_table(&r));
        }
        if *errors {
            for (id, gold, predicted, reason, question) in &r.errors {
                println!("{id}: labelled {}, classified {} ({reason}): {question:?}", gold.as_str(), predicted.as_str());
            }
        }
        return Ok(Outcome::Success);
    }
    let ws = super::workspace(workspace)?;
    match what {
        EvalWhat::Cluster { file, field, answer, only, method, threshold, json } => {
            let filter = only.as_deref().map(|o| o.split_once('=').ok_or_else(|| anyhow::anyhow!("--only takes FIELD=VALUE, got `{o}`"))).transpose()?;
            let items = crate::eval::read_labelled(file, &field[0], &field[1], answer, filter)?;
            let mut config = ws.config.cluster.clone();
            if let Some(t) = threshold {
                config.threshold = *t;
                config.pairs.threshold = *t as f64;
            }
            if let Some(m) = method {
                config.method = *m;
            }
            let mut ctx = Context::open(ws).await?;
            let (store, embedder, _) = ctx.with_model()?;
            let r = crate::eval::eval_cluster(store, embedder, &config, &items).await?;
            if *json {
                println!("{}", serde_json::to_string(&r)?);
            } else {
                println!(
                    "{} questions, {} intents -> {} clusters, {:.1}% unclustered\nNMI {:.3}  ARI {:.3}  BCubed P {:.3} R {:.3} F1 {:.3}  ({:.1} s, clustering {:.2} s)",
                    r.items, r.intents, r.clusters, r.unclustered * 100.0, r.nmi, r.ari, r.bcubed_precision, r.bcubed_recall, r.bcubed_f1, r.seconds, r.cluster_seconds
                );
            }
        }
        EvalWhat::Desk { tickets, labels, drafts, edits, json } => {
            let labels = crate::eval::desk::read_labels(labels)?;
            let r = crate::eval::desk::eval_desk(&ws, tickets, &labels, *edits).await?;
            if *json {
                let mut v = serde_json::to_value(&r)?;
                if !*drafts {
                    v.as_object_mut().map(|o| (o.remove("details"), o.remove("missed")));
                }
                println!("{v}");
            } else {
                print!("{}", crate::eval::desk::format_table(&r, *drafts));
            }
        }
        EvalWhat::Retrieve { file, audience, json, errors } => {
            let items = crate::eval::retrieve::read_labelled(file)?;
            let mut ctx = Context::open(ws).await?;
            let (store, embedder, ws) = ctx.with_model()?;
            let mut r = crate::eval::retrieve::eval_retrieve(ws, store, embedder, &items, *audience).await?;
            let misses = std::mem::take(&mut r.misses);
            if *json {
                println!("{}", serde_json::to_string(&r)?);
            } else {
                println!(
                    "{} questions: hit@1 {:.3}  hit@3 {:.3}  hit@5 {:.3}  MRR@10 {:.3}  (median {:.1} ms a search{})",
                    r.questions,
                    r.hit_at_1,
                    r.hit_at_3,
                    r.hit_at_5,
                    r.mrr_at_10,
                    r.p50_ms,
                    if r.unknown_articles > 0 { format!("; {} labelled articles are not in the kb", r.unknown_articles) } else { String::new() }
                );
            }
            if *errors {
                for (q, want, got) in misses {
                    println!("{want} <- {q:?} (first: {got})");
                }
            }
        }
        EvalWhat::Route { file, field, json } => {
            let items = crate::eval::classify::read_labelled(file, field)?;
            let mut ctx = Context::open(ws).await?;
            let (store, embedder, ws) = ctx.with_model()?;
            let r = crate::eval::route::eval_route(ws, store, embedder, &items).await?;
            if *json {
                println!("{}", serde_json::to_string(&r)?);
            } else {
                let share = |x: Option<f64>| x.map_or("n/a".to_string(), |x| format!("{x:.3}"));
                println!(
                    "{} tickets: answer precision {}, recall {} (of flat); clarify precision {}; needs-action kept from the bot {}",
                    r.tickets,
                    share(r.answer_precision),
                    share(r.answer_recall),
                    share(r.clarify_precision),
                    share(r.needs_action_kept_from_bot)
                );
                for (label, routes) in &r.routes {
                    let row: Vec<String> = routes.iter().map(|(route, n)| format!("{route} {n}")).collect();
                    println!("  {label:<13} {}", row.join(", "));
                }
            }
        }
        EvalWhat::Redact { .. } | EvalWhat::Classify { .. } => unreachable!("handled above"),
    }
    Ok(Outcome::Success)
}
