use std::io::Read as _;
use std::path::Path;

use crate::cli::ReviewAction;
use crate::kb::Status;
use crate::lexical::one_line;
use crate::review::{self, context, revisions};
use crate::store::Store;

use super::Outcome;

pub async fn run(workspace: Option<&Path>, action: &ReviewAction) -> anyhow::Result<Outcome> {
    let ws = super::workspace(workspace)?;
    let kb_dir = ws.kb_dir();
    let store = Store::open(&ws.store_url()).await?;
    let editor = |by: &Option<String>| by.clone().unwrap_or_else(review::current_editor);
    match action {
        ReviewAction::List { status, topic } => {
            let (mut articles, errors) = review::list(&kb_dir, *status);
            crate::pipeline::warn_kb_errors(&errors);
            articles.retain(|a| topic.as_ref().is_none_or(|t| &a.front.topic == t));
            articles.sort_by(|a, b| b.front.tickets.cmp(&a.front.tickets).then_with(|| a.front.id.cmp(&b.front.id)));
            let open = revisions::open(&store, None).await?;
            let holds = store.holds(None).await?;
            // Near-duplicates are judged against every article, not only the listed ones.
            let (all, _) = review::list(&kb_dir, None);
            let duplicates = review::context::duplicates(&store, &all, ws.config.draft.update_threshold).await?;
            println!("{:<10} {:>7} {:>5}  {:<40} title", "status", "tickets", "prop", "id");
            for a in &articles {
                let tickets = a.front.tickets.map(|t| t.to_string()).unwrap_or_else(|| "-".into());
                let proposals = open.iter().filter(|r| r.article_id == a.front.id).count();
                let status = if holds.iter().any(|h| h.article_id == a.front.id) { "held" } else { a.front.status.as_str() };
                println!("{:<10} {:>7} {:>5}  {:<40} {}", status, tickets, proposals, a.front.id, a.front.title);
                if let Some(d) = duplicates.get(&a.front.id) {
                    println!(
                        "{:<26}↳ near-duplicate of {} `{}` ({:.2}): merge it first: kbforge review merge {} {}",
                        "", d.status, d.into, d.similarity, d.into, a.front.id
                    );
                }
            }
            println!("{} articles", articles.len());
        }
        ReviewAction::Show { id, raw } => {
            let a = crate::kb::find(&kb_dir, id)?;
            println!("{}", kb_dir.join(&a.path).display());
            print!("{}", std::fs::read_to_string(kb_dir.join(&a.path))?);
            if !raw {
                show_context(&store, &kb_dir, &a).await?;
            }
        }
        ReviewAction::Approve { ids, by, confirm_not_flat } => {
            for id in ids {
                crate::review::approve(&store, &kb_dir, id, &editor(by), *confirm_not_flat).await?;
                println!("approved {id}");
            }
        }
        ReviewAction::Reject { ids, reason, by } => transition(&store, &kb_dir, ids, Status::Rejected, &editor(by), reason.as_deref()).await?,
        ReviewAction::Reopen { ids, by } => transition(&store, &kb_dir, ids, Status::Draft, &editor(by), None).await?,
        ReviewAction::Archive { ids, by } => transition(&store, &kb_dir, ids, Status::Archived, &editor(by), None).await?,
        ReviewAction::Edit { id, title, body_file, by } => {
            let a = crate::kb::find(&kb_dir, id)?;
            let body = match body_file.as_deref() {
                Some(p) if p == Path::new("-") => {
                    let mut s = String::new();
                    std::io::stdin().read_to_string(&mut s)?;
                    s
                }
                Some(p) => std::fs::read_to_string(p).map_err(|e| anyhow::anyhow!("cannot read `{}`: {e}", p.display()))?,
                None => a.body.clone(),
            };
            let title = title.clone().unwrap_or_else(|| a.front.title.clone());
            let saved = review::save_edit(&store, &kb_dir, id, &title, &body, &editor(by)).await?;
            println!("saved {id} ({})", saved.front.status.as_str());
        }
        ReviewAction::Merge { into, from, by } => {
            let merged = review::merge(&store, &kb_dir, into, from, &editor(by)).await?;
            println!("merged {from} into {into}: {} tickets, {} phrasings", merged.front.tickets.unwrap_or(0), merged.front.also_asked.len());
        }
        ReviewAction::Diff { id } => {
            let open = revisions::open(&store, id.as_deref()).await?;
            if open.is_empty() {
                println!("no open revisions");
            }
            for r in open {
                let a = crate::kb::find(&kb_dir, &r.article_id)?;
                let current = std::fs::read_to_string(kb_dir.join(&a.path))?;
                println!("revision {} of {} ({}, {})", r.id, r.article_id, r.reason, r.created_at);
                print!("{}", revisions::unified(&current, &r.proposed, &format!("kb/{}", a.path.display()), "proposed"));
            }
        }
        ReviewAction::Accept { revision, by } => {
            revisions::accept(&store, &kb_dir, *revision, &editor(by)).await?;
            println!("accepted revision {revision}");
        }
        ReviewAction::Dismiss { revision, by } => {
            revisions::dismiss(&store, &kb_dir, *revision, &editor(by)).await?;
            println!("dismissed revision {revision}");
        }
        ReviewAction::History { id } => {
            let events = review::history(&store, id).await?;
            if events.is_empty() {
                println!("no history for {id}");
            }
            for e in events {
                let change = if e.from_status == e.to_status { String::new() } else { format!(" {} -> {}", e.from_status, e.to_status) };
                let note = if e.note.is_empty() { String::new() } else { format!(" ({})", e.note) };
                println!("{}  {:<20} {}{change}{note}", e.at, e.by_user, e.action);
            }
        }
    }
    Ok(Outcome::Success)
}

async fn transition(store: &Store, kb_dir: &Path, ids: &[String], to: Status, by: &str, note: Option<&str>) -> anyhow::Result<()> {
    for id in ids {
        review::transition(store, kb_dir, id, to, by, note).await?;
        println!("{} {id}", match to {
            Status::Approved => "approved",
            Status::Rejected => "rejected",
            Status::Draft => "reopened",
            Status::Archived => "archived",
            Status::Published => "published",
        });
    }
    Ok(())
}

/// The editor's view beside the file: sources, regulation excerpts, similar articles, proposals.
async fn show_context(store: &Store, kb_dir: &Path, a: &crate::kb::Article) -> anyhow::Result<()> {
    let holds = store.holds(Some(&a.front.id)).await?;
    if !holds.is_empty() {
        println!("\n== held back by the publish guard: edit the values out, or add the company's own to [guard] allow ==");
        for h in holds {
            for f in &h.findings {
                println!("[{} · {}] {f}", h.target, h.held_at);
            }
        }
    }
    let sources = context::source_tickets(store, a, 5).await?;
    if !sources.is_empty() {
        println!("\n== source tickets (redacted; {} of {}) ==", sources.len(), a.front.sources.len());
        for s in sources {
            println!("[{}] Q: {}\n    A: {}", s.ticket_id, one_line(&s.question, 160), one_line(&s.answer, 160));
        }
    }
    let excerpts = context::regulation_excerpts(store, &context::query_text(a), 3).await?;
    if !excerpts.is_empty() {
        println!("\n== regulation excerpts (for the editor only, never published) ==");
        for e in excerpts {
            let text = if e.heading.is_empty() { e.text.clone() } else { format!("{}: {}", e.heading, e.text) };
            println!("[{} · {:.2}] {}", e.regulation, e.score, one_line(&text, 300));
        }
    }
    let (all, _) = crate::kb::load_all(kb_dir);
    let similar = context::similar_articles(a, &all, 5, 0.15);
    if !similar.is_empty() {
        println!("\n== similar articles ==");
        for s in similar {
            println!("{:.2}  {:<10} {:<40} {}", s.score, s.status, s.id, s.title);
        }
    }
    let open = revisions::open(store, Some(&a.front.id)).await?;
    if !open.is_empty() {
        println!("\n== {} open revision(s): kbforge review diff {} ==", open.len(), a.front.id);
    }
    Ok(())
}
