use std::io::BufRead as _;
use std::path::Path;

use crate::cli::UsersAction;
use crate::review::users;
use crate::store::Store;

use super::Outcome;

pub async fn run(workspace: Option<&Path>, listen: Option<&str>) -> anyhow::Result<Outcome> {
    let ws = super::workspace(workspace)?;
    let store = Store::open(&ws.store_url()).await?;
    let listen = listen.map(str::to_string).unwrap_or_else(|| ws.config.serve.listen.clone());
    let addr: std::net::SocketAddr = listen.parse().map_err(|_| anyhow::anyhow!("--listen `{listen}`: expected an address such as 127.0.0.1:8080"))?;
    if users::list(&store).await?.is_empty() {
        eprintln!("note: no users yet; add one with `kbforge users add <name> --role admin`");
    }
    let app = crate::serve::App::new(ws, store);
    crate::serve::serve(app, addr).await?;
    Ok(Outcome::Success)
}

pub async fn users(workspace: Option<&Path>, action: &UsersAction) -> anyhow::Result<Outcome> {
    let ws = super::workspace(workspace)?;
    let store = Store::open(&ws.store_url()).await?;
    match action {
        UsersAction::Add { name, role, replace } => {
            let password = match std::env::var("KBFORGE_PASSWORD") {
                Ok(p) if !p.is_empty() => p,
                _ => {
                    eprintln!("password for {name} (one line on standard input):");
                    let mut line = String::new();
                    std::io::stdin().lock().read_line(&mut line)?;
                    line.trim_end_matches(['\r', '\n']).to_string()
                }
            };
            users::add(&store, name, &password, *role, *replace).await?;
            println!("{} {name} ({})", if *replace { "updated" } else { "added" }, role.as_str());
        }
        UsersAction::List => {
            for u in users::list(&store).await? {
                println!("{:<24} {:<7} {}", u.name, u.role.as_str(), u.created_at);
            }
        }
        UsersAction::Remove { name } => {
            users::remove(&store, name).await?;
            println!("removed {name}");
        }
    }
    Ok(Outcome::Success)
}
