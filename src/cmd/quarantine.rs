use std::path::Path;

use crate::cli::QuarantineAction;
use crate::store::Store;

use super::Outcome;

pub async fn run(workspace: Option<&Path>, action: &QuarantineAction) -> anyhow::Result<Outcome> {
    let ws = super::workspace(workspace)?;
    let store = Store::open(&ws.store_url()).await?;
    match action {
        QuarantineAction::List => {
            let entries = store.quarantine_list().await?;
            for e in &entries {
                println!("{:>4}  {:<7} `{}` {}, field `{}`: {}", e.id, e.stage, e.source, e.location, e.field, e.reason);
            }
            println!("{} records in quarantine", entries.len());
        }
        QuarantineAction::Show { id } => match store.quarantine_get(*id).await? {
            Some(e) => println!(
                "id:       {}\nstage:    {}\nsource:   {}\nlocation: {}\nfield:    {}\nreason:   {}\nwhen:     {}\nrecord:\n{}",
                e.id, e.stage, e.source, e.location, e.field, e.reason, e.created_at, e.raw
            ),
            None => anyhow::bail!("no quarantined record with id {id}"),
        },
    }
    Ok(Outcome::Success)
}
