//! Editors' accounts and their sessions in the review app.
//!
//! Passwords are hashed with argon2id (a PHC string with its own salt); a session is a random
//! 256-bit token in an `HttpOnly`, `SameSite=Strict` cookie whose SHA-256 alone is stored, with its
//! own CSRF token that every form and fetch of the session must send back.

use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::store::{now, Store};

/// What a user may do: editors review; admins also manage users and archive articles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    Editor,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Editor => "editor",
            Role::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "editor" => Some(Role::Editor),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct User {
    pub name: String,
    pub role: Role,
    pub created_at: String,
}

/// A logged-in session.
#[derive(Debug, Clone)]
pub struct Session {
    pub user: User,
    pub csrf: String,
}

#[derive(Debug, thiserror::Error)]
pub enum UserError {
    #[error("a user name is 1–64 letters, digits, `.`, `-`, `_` or `@`; got `{0}`")]
    BadName(String),
    #[error("the password must be at least 8 characters")]
    ShortPassword,
    #[error("user `{0}` already exists")]
    Exists(String),
    #[error("no user `{0}`")]
    NotFound(String),
    #[error("cannot hash the password: {0}")]
    Hash(String),
    #[error(transparent)]
    Store(#[from] sqlx::Error),
}

/// Sessions last this long after login.
pub const SESSION_HOURS: i64 = 12;

fn valid_name(name: &str) -> bool {
    (1..=64).contains(&name.chars().count()) && name.chars().all(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '_' | '@'))
}

pub fn hash_password(password: &str) -> Result<String, UserError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default().hash_password(password.as_bytes(), &salt).map(|h| h.to_string()).map_err(|e| UserError::Hash(e.to_string()))
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
}

/// Creates a user, or with `replace` sets an existing user's password and role.
pub async fn add(store: &Store, name: &str, password: &str, role: Role, replace: bool) -> Result<(), UserError> {
    if !valid_name(name) {
        return Err(UserError::BadName(name.to_string()));
    }
    if password.chars().count() < 8 {
        return Err(UserError::ShortPassword);
    }
    let hash = hash_password(password)?;
    let exists = sqlx::query_as::<_, (String,)>("SELECT name FROM users WHERE name = $1").bind(name).fetch_optional(store.pool()).await?.is_some();
    if exists && !replace {
        return Err(UserError::Exists(name.to_string()));
    }
    if exists {
        sqlx::query("UPDATE users SET password_hash = $1, role = $2 WHERE name = $3").bind(&hash).bind(role.as_str()).bind(name).execute(store.pool()).await?;
        // A new password ends every session of the old one.
        sqlx::query("DELETE FROM sessions WHERE user_name = $1").bind(name).execute(store.pool()).await?;
    } else {
        sqlx::query("INSERT INTO users (name, password_hash, role, created_at) VALUES ($1, $2, $3, $4)")
            .bind(name)
            .bind(&hash)
            .bind(role.as_str())
            .bind(now())
            .execute(store.pool())
            .await?;
    }
    Ok(())
}

pub async fn remove(store: &Store, name: &str) -> Result<(), UserError> {
    sqlx::query("DELETE FROM sessions WHERE user_name = $1").bind(name).execute(store.pool()).await?;
    let done = sqlx::query("DELETE FROM users WHERE name = $1").bind(name).execute(store.pool()).await?;
    if done.rows_affected() == 0 {
        return Err(UserError::NotFound(name.to_string()));
    }
    Ok(())
}

pub async fn list(store: &Store) -> Result<Vec<User>, sqlx::Error> {
    let rows: Vec<(String, String, String)> = sqlx::query_as("SELECT name, role, created_at FROM users ORDER BY name").fetch_all(store.pool()).await?;
    Ok(rows.into_iter().map(|(name, role, created_at)| User { name, role: Role::parse(&role).unwrap_or(Role::Editor), created_at }).collect())
}

/// Checks a name and password; `None` for a wrong pair (which of the two is never said).
pub async fn authenticate(store: &Store, name: &str, password: &str) -> Result<Option<User>, sqlx::Error> {
    let row: Option<(String, String, String, String)> =
        sqlx::query_as("SELECT name, password_hash, role, created_at FROM users WHERE name = $1").bind(name).fetch_optional(store.pool()).await?;
    // An unknown name is checked against a dummy hash of the same cost, on the same blocking
    // thread, so the time a login takes does not tell which names exist.
    let (known, hash) = match &row {
        Some((_, hash, _, _)) => (true, hash.clone()),
        None => (false, DUMMY_HASH.to_string()),
    };
    let password = password.to_string();
    let ok = tokio::task::spawn_blocking(move || verify_password(&password, &hash)).await.unwrap_or(false);
    Ok(row.filter(|_| ok && known).map(|(name, _, role, created_at)| User { name, role: Role::parse(&role).unwrap_or(Role::Editor), created_at }))
}

const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$Wv8oC0tBLgRGs6mtcfHMz4P0ulAT0cA+jrwIsCsC2RM";

/// A fresh random token: 32 bytes from the OS, hex.
pub fn random_token() -> String {
    use argon2::password_hash::rand_core::RngCore;
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Starts a session; returns the cookie value.
pub async fn start_session(store: &Store, user: &str) -> Result<String, sqlx::Error> {
    let token = random_token();
    let created = chrono::Utc::now();
    let expires = created + chrono::Duration::hours(SESSION_HOURS);
    sqlx::query("DELETE FROM sessions WHERE expires_at < $1").bind(created.to_rfc3339()).execute(store.pool()).await?;
    sqlx::query("INSERT INTO sessions (token_hash, user_name, csrf, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(token_hash(&token))
        .bind(user)
        .bind(random_token())
        .bind(created.to_rfc3339())
        .bind(expires.to_rfc3339())
        .execute(store.pool())
        .await?;
    Ok(token)
}

/// The live session a cookie value belongs to.
pub async fn session(store: &Store, token: &str) -> Result<Option<Session>, sqlx::Error> {
    let row: Option<(String, String, String, String, String)> = sqlx::query_as(
        "SELECT u.name, u.role, u.created_at, s.csrf, s.expires_at FROM sessions s JOIN users u ON u.name = s.user_name WHERE s.token_hash = $1",
    )
    .bind(token_hash(token))
    .fetch_optional(store.pool())
    .await?;
    Ok(row.and_then(|(name, role, created_at, csrf, expires)| {
        let live = chrono::DateTime::parse_from_rfc3339(&expires).is_ok_and(|e| e > chrono::Utc::now());
        live.then(|| Session { user: User { name, role: Role::parse(&role).unwrap_or(Role::Editor), created_at }, csrf })
    }))
}

pub async fn end_session(store: &Store, token: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash(token)).execute(store.pool()).await?;
    Ok(())
}

/// Compares two secrets in time that does not depend on where they differ.
pub fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_and_verify() {
        let h = hash_password("correct horse").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse", &h));
        assert!(!verify_password("wrong horse", &h));
        assert!(!verify_password("x", "not a hash"));
        assert!(PasswordHash::new(DUMMY_HASH).is_ok());
    }

    #[test]
    fn names_and_secrets() {
        assert!(valid_name("maria.ivanova@podarok"));
        assert!(valid_name("мария"));
        assert!(!valid_name("a b"));
        assert!(!valid_name(""));
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("abc", "abd"));
        assert!(!same_secret("abc", "ab"));
        assert_ne!(random_token(), random_token());
        assert_eq!(random_token().len(), 64);
    }
}
