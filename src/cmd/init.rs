use std::path::Path;

use super::Outcome;

pub fn run(dir: &Path) -> anyhow::Result<Outcome> {
    let created = crate::workspace::scaffold::init(dir)?;
    if created.is_empty() {
        println!("{} is already a kbforge workspace; nothing changed", dir.display());
    }
    for path in created {
        println!("created {}", path.display());
    }
    println!("next: add your sources to kbforge.toml [ingest] and run `kbforge run pipelines/main.toml`");
    Ok(Outcome::Success)
}
