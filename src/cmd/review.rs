use std::path::Path;

use crate::cli::ReviewAction;
use crate::kb::Status;
use crate::review;

use super::Outcome;

pub fn run(workspace: Option<&Path>, action: &ReviewAction) -> anyhow::Result<Outcome> {
    let ws = super::workspace(workspace)?;
    let kb_dir = ws.kb_dir();
    match action {
        ReviewAction::List { status } => {
            let (articles, errors) = review::list(&kb_dir, *status);
            crate::pipeline::warn_kb_errors(&errors);
            println!("{:<10} {:>7}  {:<40} title", "status", "tickets", "id");
            for a in &articles {
                let tickets = a.front.tickets.map(|t| t.to_string()).unwrap_or_else(|| "-".into());
                println!("{:<10} {:>7}  {:<40} {}", a.front.status.as_str(), tickets, a.front.id, a.front.title);
            }
            println!("{} articles", articles.len());
        }
        ReviewAction::Show { id } => {
            let a = crate::kb::find(&kb_dir, id)?;
            println!("{}", kb_dir.join(&a.path).display());
            print!("{}", std::fs::read_to_string(kb_dir.join(&a.path))?);
        }
        ReviewAction::Approve { ids, by } => {
            let by = by.clone().unwrap_or_else(review::current_editor);
            for id in ids {
                review::set_status(&kb_dir, id, Status::Approved, &by, None)?;
                println!("approved {id}");
            }
        }
        ReviewAction::Reject { ids, reason, by } => {
            let by = by.clone().unwrap_or_else(review::current_editor);
            for id in ids {
                review::set_status(&kb_dir, id, Status::Rejected, &by, reason.as_deref())?;
                println!("rejected {id}");
            }
        }
    }
    Ok(Outcome::Success)
}
