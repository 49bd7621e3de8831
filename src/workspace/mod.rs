//! The workspace: a folder with `kbforge.toml`, `pipelines/`, `kb/`, and kbforge's own state in
//! `.kbforge/`. Entry points: [`Workspace::discover`], [`Workspace::with_overlay`].
//!
//! `kbforge.toml` holds the settings of every stage, one section each (`[ingest]`, `[embed]`,
//! `[cluster]`, …). A pipeline file in `pipelines/` names the stages to run in a `[pipeline]` section
//! and may override any section; its tables are merged over `kbforge.toml`.

pub mod scaffold;

use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde::Deserialize;

use crate::classify::ClassifyConfig;
use crate::clean::CleanConfig;
use crate::cluster::ClusterConfig;
use crate::draft::DraftConfig;
use crate::embed::EmbedConfig;
use crate::ingest::IngestConfig;
use crate::publish::index::IndexConfig;
use crate::publish::site::SiteConfig;

pub const CONFIG_FILE: &str = "kbforge.toml";

/// `[store]`
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct StoreConfig {
    /// Database URL. `DATABASE_URL` overrides it. A relative SQLite path is relative to the workspace.
    /// Default: `sqlite://.kbforge/kbforge.sqlite`.
    pub url: String,
}

impl Default for StoreConfig {
    fn default() -> Self {
        StoreConfig { url: "sqlite://.kbforge/kbforge.sqlite".into() }
    }
}

/// `[kb]`
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct KbConfig {
    /// The knowledge base folder, relative to the workspace. Default: `kb`.
    pub dir: PathBuf,
}

impl Default for KbConfig {
    fn default() -> Self {
        KbConfig { dir: PathBuf::from("kb") }
    }
}

/// `[serve]`
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct ServeConfig {
    /// Address to listen on. Default: `127.0.0.1:8080`.
    pub listen: String,
    /// Mark session cookies `Secure` (when served behind HTTPS). Default: false.
    pub secure_cookies: bool,
    /// Environment variable holding the bearer token that opens the internal collection of
    /// `POST /api/search` to the operator copilot. Default: `KBFORGE_API_TOKEN`.
    pub api_token_env: String,
}

impl Default for ServeConfig {
    fn default() -> Self {
        ServeConfig { listen: "127.0.0.1:8080".into(), secure_cookies: false, api_token_env: "KBFORGE_API_TOKEN".into() }
    }
}

/// Every section of `kbforge.toml`.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    pub store: StoreConfig,
    pub kb: KbConfig,
    pub ingest: IngestConfig,
    pub clean: CleanConfig,
    pub classify: ClassifyConfig,
    pub embed: EmbedConfig,
    pub cluster: ClusterConfig,
    pub draft: DraftConfig,
    pub site: SiteConfig,
    pub index: IndexConfig,
    pub routing: crate::routing::RoutingConfig,
    pub feedback: crate::feedback::FeedbackConfig,
    pub guard: crate::guard::GuardConfig,
    pub serve: ServeConfig,
    pub queue: crate::queue::QueueConfig,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("no `{CONFIG_FILE}` in `{0}` or any folder above it: run `kbforge init` to create a workspace, or pass --workspace")]
    NotFound(PathBuf),
    #[error("cannot read `{path}`")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("`{path}`{}: {detail}", line.map(|l| format!(" line {l}")).unwrap_or_default())]
    Parse { path: PathBuf, line: Option<usize>, detail: String },
    #[error("`{path}`: {detail}")]
    Invalid { path: PathBuf, detail: String },
}

/// A workspace and its settings.
#[derive(Debug, Clone)]
pub struct Workspace {
    pub root: PathBuf,
    pub config: Config,
}

impl Workspace {
    /// Finds `kbforge.toml` in `start` or the nearest folder above it.
    pub fn discover(start: &Path) -> Result<Workspace, ConfigError> {
        let start = std::path::absolute(start).unwrap_or_else(|_| start.to_path_buf());
        let root = start
            .ancestors()
            .find(|d| d.join(CONFIG_FILE).is_file())
            .ok_or_else(|| ConfigError::NotFound(start.clone()))?
            .to_path_buf();
        let path = root.join(CONFIG_FILE);
        let value = read_toml(&path)?;
        let config = parse_config(&path, value)?;
        Ok(Workspace { root, config })
    }

    /// The workspace a pipeline file belongs to, with the file's tables merged over `kbforge.toml`,
    /// and the file's own `[section]` (the runner's `[pipeline]`) read as `P`: the workspace knows
    /// the settings of every stage, not the runner's.
    pub fn with_overlay<P: DeserializeOwned + Default>(pipeline_file: &Path, section: &str) -> Result<(Workspace, P), ConfigError> {
        let dir = pipeline_file.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let base = Workspace::discover(dir)?;
        let mut merged = read_toml(&base.root.join(CONFIG_FILE))?;
        let mut overlay = read_toml(pipeline_file)?;
        let own = overlay.remove(section);
        let pipeline: P = match own {
            Some(v) => serde_path_to_error::deserialize(v).map_err(|e| {
                let key = format!("{section}.{}", e.path());
                let text = std::fs::read_to_string(pipeline_file).unwrap_or_default();
                ConfigError::Parse {
                    path: pipeline_file.to_path_buf(),
                    line: locate_key(&text, &key),
                    detail: format!("{}: {}", display_key(&key), e.into_inner().message()),
                }
            })?,
            None => P::default(),
        };
        merge(&mut merged, overlay);
        let config = parse_config(pipeline_file, merged)?;
        Ok((Workspace { root: base.root, config }, pipeline))
    }

    /// The store URL in effect: `DATABASE_URL`, else the config; SQLite paths resolved to the workspace.
    pub fn store_url(&self) -> String {
        let url = std::env::var("DATABASE_URL").ok().filter(|u| !u.is_empty()).unwrap_or_else(|| self.config.store.url.clone());
        match url.strip_prefix("sqlite://") {
            Some(path) if !path.starts_with('/') && !path.starts_with(':') => {
                format!("sqlite://{}", self.root.join(path).display())
            }
            _ => url,
        }
    }

    pub fn kb_dir(&self) -> PathBuf {
        self.root.join(&self.config.kb.dir)
    }
}

fn read_toml(path: &Path) -> Result<toml::Table, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read { path: path.to_path_buf(), source })?;
    text.parse::<toml::Table>().map_err(|e| ConfigError::Parse {
        path: path.to_path_buf(),
        line: e.span().map(|s| text[..s.start].lines().count().max(1)),
        detail: e.message().to_string(),
    })
}

/// Deserializes the merged table; an error names the key (`[cluster] threshold`) and, when it can be
/// found in `path`, its line.
fn parse_config(path: &Path, table: toml::Table) -> Result<Config, ConfigError> {
    let config: Config = serde_path_to_error::deserialize(toml::Value::Table(table)).map_err(|e| {
        let key = e.path().to_string();
        let text = std::fs::read_to_string(path).unwrap_or_default();
        ConfigError::Parse {
            path: path.to_path_buf(),
            line: locate_key(&text, &key),
            detail: format!("{}: {}", display_key(&key), e.into_inner().message()),
        }
    })?;
    validate(&config).map_err(|detail| ConfigError::Invalid { path: path.to_path_buf(), detail })?;
    Ok(config)
}

/// `cluster.threshold` → `[cluster] threshold`.
fn display_key(key: &str) -> String {
    match key.split_once('.') {
        Some((section, rest)) => format!("[{section}] {rest}"),
        None => format!("`{key}`"),
    }
}

/// The 1-based line of `section.key` in a TOML text, if it is written there plainly.
fn locate_key(text: &str, key: &str) -> Option<usize> {
    let (section, rest) = key.split_once('.').unwrap_or(("", key));
    let name = rest.split(['.', '[']).next().unwrap_or(rest);
    let mut in_section = section.is_empty();
    for (i, line) in text.lines().enumerate() {
        let t = line.trim();
        if t.starts_with('[') {
            in_section = t.trim_matches(['[', ']']).trim() == section;
            if section.is_empty() && t.trim_matches(['[', ']']).trim() == name {
                return Some(i + 1);
            }
            continue;
        }
        if in_section && t.split(['=', ' ']).next() == Some(name) {
            return Some(i + 1);
        }
    }
    None
}

/// Checks that the types cannot express.
fn validate(c: &Config) -> Result<(), String> {
    if !(0.0..=1.0).contains(&c.cluster.threshold) {
        return Err(format!("[cluster] threshold = {} is not between 0 and 1", c.cluster.threshold));
    }
    if c.embed.batch_size == 0 {
        return Err("[embed] batch-size must be at least 1".into());
    }
    if c.index.chunk_tokens < 16 {
        return Err(format!("[index] chunk-tokens = {} is too small (at least 16)", c.index.chunk_tokens));
    }
    if !matches!(c.site.language.as_str(), "ru" | "en") {
        return Err(format!("[site] language = \"{}\": expected \"ru\" or \"en\"", c.site.language));
    }
    if c.draft.min_cluster_size == 0 {
        return Err("[draft] min-cluster-size must be at least 1".into());
    }
    if !(0.0..=1.0).contains(&c.routing.min_accuracy) {
        return Err(format!("[routing] min-accuracy = {} is not between 0 and 1", c.routing.min_accuracy));
    }
    if let Some((topic, route)) = c.routing.topics.iter().find(|(_, r)| **r == crate::routing::Route::Clarify) {
        return Err(format!("[routing.topics] \"{topic}\" = \"{}\": a topic's route is answer, suggest or handoff", route.as_str()));
    }
    Ok(())
}

/// Merges `overlay` into `base`: tables merge key by key, anything else is replaced.
fn merge(base: &mut toml::Table, overlay: toml::Table) {
    for (key, value) in overlay {
        match (base.get_mut(&key), value) {
            (Some(toml::Value::Table(b)), toml::Value::Table(o)) => merge(b, o),
            (_, v) => {
                base.insert(key, v);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_file_and_key() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(CONFIG_FILE), "[cluster]\nthreshhold = 0.8\n").unwrap();
        let err = Workspace::discover(dir.path()).unwrap_err().to_string();
        assert!(err.contains("kbforge.toml") && err.contains("threshhold"), "{err}");
        std::fs::write(dir.path().join(CONFIG_FILE), "[site]\ntitle = \"x\"\n[cluster]\nthreshold = \"high\"\n").unwrap();
        let err = Workspace::discover(dir.path()).unwrap_err().to_string();
        assert!(err.contains("line 4") && err.contains("[cluster] threshold"), "{err}");
        std::fs::write(dir.path().join(CONFIG_FILE), "[cluster]\nthreshold = 1.5\n").unwrap();
        let err = Workspace::discover(dir.path()).unwrap_err().to_string();
        assert!(err.contains("between 0 and 1"), "{err}");
        std::fs::write(dir.path().join(CONFIG_FILE), "[site\n").unwrap();
        let err = Workspace::discover(dir.path()).unwrap_err().to_string();
        assert!(err.contains("line 1"), "{err}");
    }

    #[test]
    fn the_scaffolded_config_parses_to_the_defaults() {
        let table: toml::Table = scaffold::EXAMPLE_CONFIG.parse().unwrap();
        let config = parse_config(Path::new("kbforge.toml"), table).unwrap();
        assert_eq!(config.cluster, ClusterConfig::default());
        assert_eq!(config.embed, EmbedConfig::default());
    }

    /// Every key the scaffold shows commented out is a real key of its section, with a value of
    /// the right type.
    #[test]
    fn the_scaffolds_commented_keys_exist() {
        let setting = regex::Regex::new(r#"^# ([a-z][a-z0-9-]*) = ("[^"]*"|\[[^\]]*\]|[^\s#\[]+)"#).unwrap();
        let uncommented: String = scaffold::EXAMPLE_CONFIG
            .lines()
            .map(|l| match setting.captures(l) {
                Some(c) => format!("{} = {}\n", &c[1], &c[2]),
                None => format!("{l}\n"),
            })
            .collect();
        let shown = uncommented.lines().filter(|l| setting.is_match(&format!("# {l}"))).count();
        assert!(shown > 40, "only {shown} keys uncommented");
        let table: toml::Table = uncommented.parse().unwrap_or_else(|e| panic!("{e}\n{uncommented}"));
        parse_config(Path::new("kbforge.toml"), table).unwrap_or_else(|e| panic!("{e:#}"));
    }
}
