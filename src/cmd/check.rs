//! `kbforge check`: each part of the setup, one line each, with what to do when it fails.

use std::path::Path;

use crate::embed::runtime;
use crate::store::{redact_url, Store};

use super::Outcome;

pub async fn run(workspace: Option<&Path>) -> anyhow::Result<Outcome> {
    let mut failed = 0;
    let mut line = |ok: bool, what: &str, detail: String| {
        println!("{} {what:<14} {detail}", if ok { "ok  " } else { "FAIL" });
        if !ok {
            failed += 1;
        }
    };
    let ws = match super::workspace(workspace) {
        Ok(ws) => {
            line(true, "config", ws.root.join(crate::workspace::CONFIG_FILE).display().to_string());
            ws
        }
        Err(e) => {
            line(false, "config", format!("{e:#}"));
            anyhow::bail!("check failed");
        }
    };
    let url = ws.store_url();
    let store = match Store::open(&url).await {
        Ok(store) => {
            let tickets = store.count("tickets").await.unwrap_or(0);
            line(true, "store", format!("{} ({tickets} tickets)", redact_url(&url)));
            Some(store)
        }
        Err(e) => {
            line(false, "store", format!("{e:#}"));
            None
        }
    };
    let kb_dir = ws.kb_dir();
    let (articles, errors) = crate::kb::load_all(&kb_dir);
    line(errors.is_empty(), "knowledge base", format!("{} ({} articles, {} unreadable)", kb_dir.display(), articles.len(), errors.len()));
    for e in &errors {
        println!("     {e}");
    }
    // Live articles drawn from a cluster that is not flat: not help-center answers.
    if let Some(store) = &store {
        let live: Vec<crate::kb::Article> = articles.iter().filter(|a| a.front.status.is_live()).cloned().collect();
        let not_flat = crate::review::not_flat(store, &live).await.unwrap_or_default();
        let mut listed: Vec<(&String, &String)> = not_flat.iter().collect();
        listed.sort();
        let waiting = listed.iter().filter(|(id, kind)| live.iter().any(|a| &&a.front.id == id && !crate::review::confirmed_not_flat(a, kind))).count();
        line(waiting == 0, "answers only", format!("{} live articles from clusters that are not flat, {waiting} of them not published until an editor confirms", listed.len()));
        for (id, kind) in listed {
            let confirmed = live.iter().any(|a| &a.front.id == id && crate::review::confirmed_not_flat(a, kind));
            println!("     {id}: cluster is {kind} ({}){}", crate::review::not_flat_reason(kind), if confirmed { "; approved anyway by an editor" } else { "; held back" });
        }
    }
    let onnx = ws.config.embed.onnxruntime.as_ref().map(|p| ws.root.join(p));
    match runtime::locate(onnx.as_deref()) {
        Ok(Some((path, from))) => line(true, "onnxruntime", format!("{} (from {from})", path.display())),
        Ok(None) => line(true, "onnxruntime", format!("not cached yet: fetched from PyPI on first use (onnxruntime=={})", runtime::ORT_VERSION)),
        Err(e) => line(false, "onnxruntime", e.to_string()),
    }
    match crate::embed::Embedder::load(&ws.config.embed, &ws.root) {
        Ok(e) => match e.embed(&["query: проверка".to_string()]) {
            Ok(v) => line(true, "model", format!("{} ({} dimensions)", e.model_id(), v[0].len())),
            Err(err) => line(false, "model", err.to_string()),
        },
        Err(e) => line(false, "model", format!("{e:#}")),
    }
    let index_dir = ws.root.join(&ws.config.index.dir).join(&ws.config.index.collection);
    if let Some(live) = crate::publish::index::generation::live(&index_dir) {
        match crate::publish::index::generation::open_for_reading(&live) {
            Ok(reading) => line(true, "index", format!("{} ({} points)", live.display(), reading.shard.info().points_count)),
            Err(e) => line(false, "index", e.to_string()),
        }
    } else {
        line(true, "index", format!("{} (not built yet: `kbforge publish index`)", index_dir.display()));
    }
    if failed > 0 {
        anyhow::bail!("{failed} checks failed");
    }
    Ok(Outcome::Success)
}
